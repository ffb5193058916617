/** The console's router: the shell around the pages, login and error pages, and the guard. */
import { createRouter, createWebHistory } from 'vue-router'
import { useSession } from '@/stores/session'
import { decide } from './guards'
import { pageRoutes } from './routes'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: () => import('@/views/LoginPage.vue'), meta: { public: true } },
    { path: '/', component: () => import('@/layout/AppLayout.vue'), children: [
      ...pageRoutes,
      { path: '403', name: 'forbidden', component: () => import('@/views/ForbiddenPage.vue'),
        meta: { title: 'errors.forbiddenTitle' } },
      { path: ':rest(.*)*', name: 'notFound', component: () => import('@/views/NotFoundPage.vue'),
        meta: { title: 'errors.notFoundTitle' } },
    ] },
  ],
})

router.beforeEach((to) => {
  const session = useSession()
  return decide(to, {
    loggedIn: session.loggedIn,
    hasProfile: session.me !== null,
    loadProfile: session.loadMe,
    can: session.can,
    mustChangePassword: () => Boolean(session.me?.must_change_password),
  })
})
