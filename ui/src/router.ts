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
  { path: '/login', name: 'login', component: () => import('./views/Login.vue') },
  {
    path: '/',
    component: () => import('./views/Layout.vue'),
    children: [
      { path: '', name: 'home', redirect: () => homeFor(session.user?.role) },
      { path: 'projects', name: 'projects', component: () => import('./views/applicant/MyProjects.vue') },
      { path: 'projects/register', name: 'register', component: () => import('./views/applicant/RegisterProject.vue') },
      { path: 'projects/:id', name: 'project', component: () => import('./views/applicant/ProjectPage.vue'), props: true },
      { path: 'apply', name: 'apply', component: () => import('./views/applicant/NewApplication.vue') },
      { path: 'materials', name: 'materials', component: () => import('./views/applicant/MaterialLibrary.vue') },
      { path: 'cases', name: 'cases', component: () => import('./views/applicant/MyCases.vue') },
      { path: 'cases/:id', name: 'case', component: () => import('./views/CasePage.vue'), props: true },
      { path: 'intake', name: 'intake', component: () => import('./views/window/IntakeQueue.vue') },
      { path: 'queue', name: 'queue', component: () => import('./views/reviewer/ReviewQueue.vue') },
      { path: 'overview', name: 'overview', component: () => import('./views/reform/Overview.vue') },
      { path: 'reference', name: 'reference', component: () => import('./views/reform/ReferenceData.vue') },
      { path: 'statistics', name: 'statistics', component: () => import('./views/reform/Statistics.vue') },
      { path: 'evaluations', name: 'evaluations', component: () => import('./views/applicant/MyEvaluations.vue') },
      { path: 'rectifications', name: 'rectifications', component: () => import('./views/reviewer/Rectifications.vue') },
      { path: 'complaints', name: 'complaints', component: () => import('./views/Complaints.vue') },
      { path: 'market', name: 'market', component: () => import('./views/Market.vue') },
      { path: 'commissions', name: 'commissions', component: () => import('./views/Commissions.vue') },
      { path: 'consultations', name: 'consultations', component: () => import('./views/consultation/Consultations.vue') },
      { path: 'consultations/:id', name: 'consultation', component: () => import('./views/consultation/ConsultationPage.vue'), props: true },
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
