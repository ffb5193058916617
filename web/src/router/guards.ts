/** Route guards: who may open a page. Kept free of the router instance so they are tested on their own. */
import type { RouteLocationNormalized, RouteLocationRaw } from 'vue-router'

export interface GuardSession {
  loggedIn: boolean
  hasProfile: boolean
  loadProfile: () => Promise<unknown>
  can: (required: string | string[] | undefined) => boolean
  /** Someone else set the password: nothing opens before it is changed (the gateway refuses the rest). */
  mustChangePassword?: () => boolean
}

/**
 * Where a navigation goes: on to `to` (true), to the login page with the page to come back to, or to the 403
 * page for a page the employee's permissions do not open.
 */
export async function decide(to: RouteLocationNormalized, session: GuardSession): Promise<true | RouteLocationRaw> {
  if (to.meta.public) return true
  if (!session.loggedIn) return { name: 'login', query: { redirect: to.fullPath } }
  if (!session.hasProfile) {
    try {
      await session.loadProfile()
    } catch {
      return { name: 'login', query: { redirect: to.fullPath } }
    }
  }
  if (session.mustChangePassword?.() && to.name !== 'password') return { name: 'password' }
  if (!session.can(to.meta.permission)) return { name: 'forbidden', query: { from: to.fullPath } }
  return true
}

/** Only paths inside the console are followed after login (no open redirect to another site). */
export function safeRedirect(value: unknown): string {
  const path = typeof value === 'string' ? value : ''
  return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\') ? path : '/'
}
