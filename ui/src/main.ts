import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import './styles.css'
import App from './App.vue'
import { makeRouter } from './router'
import { loadSession } from './stores/session'
import { installShortcutHandler } from './shortcuts'

async function start() {
  await loadSession()
  const app = createApp(App)
  app.use(ElementPlus, { locale: zhCn })
  app.use(makeRouter())
  installShortcutHandler()
  app.mount('#app')
}

void start()
