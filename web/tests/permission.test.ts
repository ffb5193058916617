import { describe, expect, it } from 'vitest'
import { createApp, h, withDirectives, resolveDirective, nextTick } from 'vue'
import { permissionDirective } from '@/permission'
import { decide, safeRedirect, type GuardSession } from '@/router/guards'
import { menuFor } from '@/layout/menu'
import type { RouteLocationNormalized } from 'vue-router'

function mountButtons(held: string[]) {
  const can = (required: string | string[]) => (Array.isArray(required) ? required : [required])
    .some((code) => held.includes(code))
  const root = document.createElement('div')
  const app = createApp({
    render() {
      const permission = resolveDirective('permission')!
      return h('div', [
        withDirectives(h('button', '审批'), [[permission, 'loan.approve.first']]),
        withDirectives(h('button', '放款复核'), [[permission, ['loan.disbursement.review', 'admin.all']]]),
        h('button', '刷新'),
      ])
    },
  })
  app.directive('permission', permissionDirective(can))
  app.mount(root)
  return root
}

/** The buttons a person sees: those not hidden from them. */
function shown(root: HTMLElement): (string | null)[] {
  return [...root.querySelectorAll('button')].filter((b) => b.style.display !== 'none' && !b.hasAttribute('aria-hidden'))
    .map((b) => b.textContent)
}

describe('v-permission shows a button only to those allowed', () => {
  it('hides the buttons of permissions not held', async () => {
    const root = mountButtons(['loan.view'])
    await nextTick()
    expect(shown(root)).toEqual(['刷新'])
  })

  it('keeps a button when any one of its permissions is held', async () => {
    const root = mountButtons(['loan.disbursement.review'])
    await nextTick()
    expect(shown(root)).toEqual(['放款复核', '刷新'])
  })

  it('leaves the hidden button in place, so Vue can still patch around it', async () => {
    const root = mountButtons([])
    await nextTick()
    expect(root.querySelectorAll('button')).toHaveLength(3)
  })
})

function route(fullPath: string, meta: Record<string, unknown> = {}): RouteLocationNormalized {
  return { fullPath, path: fullPath, meta } as unknown as RouteLocationNormalized
}

function session(overrides: Partial<GuardSession> = {}): GuardSession {
  return { loggedIn: true, hasProfile: true, loadProfile: async () => ({}), can: () => true, ...overrides }
}

describe('route guards', () => {
  it('sends a visitor without a session to login, remembering the page', async () => {
    expect(await decide(route('/customers?q=张'), session({ loggedIn: false })))
      .toEqual({ name: 'login', query: { redirect: '/customers?q=张' } })
  })

  it('shows the 403 page for a page the permissions do not open', async () => {
    const can = (required?: string | string[]) => required !== 'org.roles.view'
    expect(await decide(route('/org/roles', { permission: 'org.roles.view' }), session({ can })))
      .toEqual({ name: 'forbidden', query: { from: '/org/roles' } })
  })

  it('lets an allowed employee in, loading who they are first', async () => {
    let loaded = false
    const result = await decide(route('/customers', { permission: 'customer.view' }),
      session({ hasProfile: false, loadProfile: async () => { loaded = true } }))
    expect(result).toBe(true)
    expect(loaded).toBe(true)
  })

  it('returns to login when the profile cannot be loaded (token refused)', async () => {
    const result = await decide(route('/inbox'), session({ hasProfile: false,
      loadProfile: async () => { throw new Error('TOKEN_EXPIRED') } }))
    expect(result).toEqual({ name: 'login', query: { redirect: '/inbox' } })
  })

  it('follows only redirects inside the console', () => {
    expect(safeRedirect('/customers/1')).toBe('/customers/1')
    expect(safeRedirect('//evil.example')).toBe('/')
    expect(safeRedirect('https://evil.example')).toBe('/')
    expect(safeRedirect(undefined)).toBe('/')
  })
})

describe('the menu lists the pages the permissions open', () => {
  it('gives a loan officer customers but not the organisation', () => {
    const held = new Set(['customer.view', 'blacklist.view'])
    const sections = menuFor((required) => !required || [required].flat().some((code) => held.has(code)))
    const names = sections.flatMap((s) => s.items.map((i) => i.name))
    expect(names).toEqual(['home', 'inbox', 'customers', 'blacklist'])
  })
})

describe('a password someone else set', () => {
  it('must be changed before any other page opens', async () => {
    const must = session({ mustChangePassword: () => true })
    expect(await decide({ ...route('/customers'), name: 'customers' } as RouteLocationNormalized, must))
      .toEqual({ name: 'password' })
    expect(await decide({ ...route('/account/password'), name: 'password' } as RouteLocationNormalized, must))
      .toBe(true)
  })
})
