import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { configureClient } from './api/client'
import { currentLocale, i18n } from './i18n'
import { permissionDirective } from './permission'
import { router } from './router'
import { useSession } from './stores/session'
import './styles.css'

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
const session = useSession()
app.directive('permission', permissionDirective((required) => session.can(required)))
configureClient({
  token: () => session.token,
  language: currentLocale,
  onSessionEnded(problem) {
    const current = router.currentRoute.value
    session.clear(problem.detail)
    if (current.name !== 'login') router.replace({ name: 'login', query: { redirect: current.fullPath } })
  },
})
app.use(router)
document.documentElement.lang = currentLocale()
app.mount('#app')
