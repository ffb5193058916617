/** The logged-in employee for this tab: token (sessionStorage), who they are and what they may do. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { client, unwrap, type Schemas } from '@/api/client'

const TOKEN_KEY = 'carloan.token'

export type Me = Schemas['Me']

export const useSession = defineStore('session', () => {
  const token = ref<string | null>(sessionStorage.getItem(TOKEN_KEY))
  const me = ref<Me | null>(null)
  /** Why the last session ended (shown on the login page), e.g. the gateway's TOKEN_EXPIRED detail. */
  const endedBecause = ref<string | null>(null)

  const permissions = computed(() => new Set(me.value?.permissions ?? []))
  const loggedIn = computed(() => token.value !== null)

  function can(required: string | string[] | undefined | null): boolean {
    if (!required || (Array.isArray(required) && required.length === 0)) return true
    const wanted = Array.isArray(required) ? required : [required]
    return wanted.some((code) => permissions.value.has(code))
  }

  async function login(username: string, password: string): Promise<void> {
    const answer = await unwrap(client.POST('/api/v1/auth/login', { body: { username, password } }))
    token.value = answer.access_token
    sessionStorage.setItem(TOKEN_KEY, answer.access_token)
    endedBecause.value = null
    await loadMe()
  }

  /** After one's own password change: older tokens are revoked, the answer's token carries on the session. */
  function useToken(next: string): void {
    token.value = next
    sessionStorage.setItem(TOKEN_KEY, next)
  }

  async function loadMe(): Promise<Me> {
    me.value = await unwrap(client.GET('/api/v1/me'))
    return me.value
  }

  function clear(reason: string | null = null): void {
    token.value = null
    me.value = null
    endedBecause.value = reason
    sessionStorage.removeItem(TOKEN_KEY)
  }

  return { token, me, endedBecause, permissions, loggedIn, can, login, loadMe, useToken, clear }
})
