// Routes and the role-aware menu.
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import type { Role } from './api/types'
import { t, type Messages } from './i18n'
import { session } from './stores/session'

export interface MenuEntry {
  path: string
  label: keyof Messages['menu']
  testid: string
  shortcut?: string
}

export function menuFor(role: Role | undefined): MenuEntry[] {
  switch (role) {
    case 'applicant':
      return [
        { path: '/projects', label: 'myProjects', testid: 'menu-projects' },
        { path: '/projects/register', label: 'registerProject', testid: 'menu-register' },
        { path: '/apply', label: 'newApplication', testid: 'menu-apply' },
        { path: '/cases', label: 'myCases', testid: 'menu-cases' },
        { path: '/materials', label: 'materials', testid: 'menu-materials' },
        { path: '/evaluations', label: 'evaluations', testid: 'menu-evaluations' },
        { path: '/complaints', label: 'complaints', testid: 'menu-complaints' },
        { path: '/market', label: 'market', testid: 'menu-market' },
        { path: '/commissions', label: 'commissions', testid: 'menu-commissions' },
      ]
    case 'window_operator':
      return [
        { path: '/intake', label: 'intakeQueue', testid: 'menu-intake', shortcut: 'Alt+Q' },
        { path: '/projects', label: 'projectCheck', testid: 'menu-projects', shortcut: 'Alt+P' },
        { path: '/projects/register', label: 'onSiteRegister', testid: 'menu-register', shortcut: 'Alt+R' },
        { path: '/apply', label: 'onBehalfApply', testid: 'menu-apply', shortcut: 'Alt+A' },
        { path: '/consultations', label: 'consultations', testid: 'menu-consultations' },
        { path: '/market', label: 'market', testid: 'menu-market' },
      ]
    case 'department_reviewer':
      return [
        { path: '/queue', label: 'reviewQueue', testid: 'menu-queue', shortcut: 'Alt+Q' },
        { path: '/statistics', label: 'statistics', testid: 'menu-statistics' },
        { path: '/rectifications', label: 'rectifications', testid: 'menu-rectifications' },
        { path: '/complaints', label: 'complaints', testid: 'menu-complaints' },
        { path: '/consultations', label: 'consultations', testid: 'menu-consultations' },
        { path: '/market', label: 'market', testid: 'menu-market' },
        { path: '/commissions', label: 'commissions', testid: 'menu-commissions' },
      ]
    case 'utility_unit':
      return [
        { path: '/queue', label: 'reviewQueue', testid: 'menu-queue', shortcut: 'Alt+Q' },
        { path: '/rectifications', label: 'rectifications', testid: 'menu-rectifications' },
        { path: '/complaints', label: 'complaints', testid: 'menu-complaints' },
        { path: '/consultations', label: 'consultations', testid: 'menu-consultations' },
        { path: '/market', label: 'market', testid: 'menu-market' },
      ]
    case 'intermediary_agency':
      return [
        { path: '/queue', label: 'reviewQueue', testid: 'menu-queue', shortcut: 'Alt+Q' },
        { path: '/market', label: 'market', testid: 'menu-market' },
        { path: '/commissions', label: 'commissions', testid: 'menu-commissions' },
      ]
    case 'reform_office':
      return [
        { path: '/overview', label: 'overview', testid: 'menu-overview' },
        { path: '/queue', label: 'reviewQueue', testid: 'menu-queue' },
        { path: '/statistics', label: 'statistics', testid: 'menu-statistics' },
        { path: '/rectifications', label: 'rectifications', testid: 'menu-rectifications' },
        { path: '/complaints', label: 'complaints', testid: 'menu-complaints' },
        { path: '/consultations', label: 'consultations', testid: 'menu-consultations' },
        { path: '/market', label: 'market', testid: 'menu-market' },
        { path: '/commissions', label: 'commissions', testid: 'menu-commissions' },
        { path: '/reference', label: 'reference', testid: 'menu-reference' },
      ]
    default:
      return []
  }
}

export function homeFor(role: Role | undefined): string {
  return menuFor(role)[0]?.path ?? '/login'
}

export function menuLabel(e: MenuEntry): string {
  return t().menu[e.label]
}

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./features/session/Login.vue') },
  {
    path: '/',
    component: () => import('./shell/Layout.vue'),
    children: [
      { path: '', name: 'home', redirect: () => homeFor(session.user?.role) },
      { path: 'projects', name: 'projects', component: () => import('./features/projects/MyProjects.vue') },
      { path: 'projects/register', name: 'register', component: () => import('./features/projects/RegisterProject.vue') },
      { path: 'projects/:id', name: 'project', component: () => import('./features/projects/ProjectPage.vue'), props: true },
      { path: 'projects/:id/edit', name: 'project-edit', component: () => import('./features/projects/RegisterProject.vue'), props: true },
      { path: 'apply', name: 'apply', component: () => import('./features/projects/NewApplication.vue') },
      { path: 'materials', name: 'materials', component: () => import('./features/projects/MaterialLibrary.vue') },
      { path: 'cases', name: 'cases', component: () => import('./features/cases/MyCases.vue') },
      { path: 'cases/:id', name: 'case', component: () => import('./features/cases/CasePage.vue'), props: true },
      { path: 'intake', name: 'intake', component: () => import('./features/queue/IntakeQueue.vue') },
      { path: 'queue', name: 'queue', component: () => import('./features/queue/ReviewQueue.vue') },
      { path: 'overview', name: 'overview', component: () => import('./features/statistics/Overview.vue') },
      { path: 'reference', name: 'reference', component: () => import('./features/reference/ReferenceData.vue') },
      { path: 'statistics', name: 'statistics', component: () => import('./features/statistics/Statistics.vue') },
      { path: 'evaluations', name: 'evaluations', component: () => import('./features/evaluation/MyEvaluations.vue') },
      { path: 'rectifications', name: 'rectifications', component: () => import('./features/evaluation/Rectifications.vue') },
      { path: 'complaints', name: 'complaints', component: () => import('./features/evaluation/Complaints.vue') },
      { path: 'market', name: 'market', component: () => import('./features/market/Market.vue') },
      { path: 'commissions', name: 'commissions', component: () => import('./features/market/Commissions.vue') },
      { path: 'consultations', name: 'consultations', component: () => import('./features/consultation/Consultations.vue') },
      { path: 'consultations/:id', name: 'consultation', component: () => import('./features/consultation/ConsultationPage.vue'), props: true },
    ],
  },
]

export function makeRouter() {
  const router = createRouter({ history: createWebHashHistory(), routes })
  router.beforeEach((to) => {
    if (to.name !== 'login' && !session.user) return { name: 'login' }
    return true
  })
  return router
}
