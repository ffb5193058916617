/** The typed gateway client: openapi-fetch over the gateway's own OpenAPI document (`schema.d.ts`). */
import createClient, { type Middleware } from 'openapi-fetch'
import type { components, paths } from './schema'
import { ApiProblem, type ProblemBody } from './problem'

export type Schemas = components['schemas']

export const SESSION_ENDED_CODES = new Set(['TOKEN_EXPIRED', 'TOKEN_REVOKED'])

interface ClientHooks {
  token: () => string | null
  language: () => string
  /** A token the gateway no longer takes (expired, revoked): the session ends, with the gateway's message. */
  onSessionEnded: (problem: ApiProblem) => void
}

let hooks: ClientHooks = { token: () => null, language: () => 'zh-CN', onSessionEnded: () => {} }

export function configureClient(next: Partial<ClientHooks>): void {
  hooks = { ...hooks, ...next }
}

const session: Middleware = {
  onRequest({ request }) {
    const token = hooks.token()
    if (token) request.headers.set('Authorization', `Bearer ${token}`)
    request.headers.set('Accept-Language', hooks.language())
    return request
  },
}

export const client = createClient<paths>({ baseUrl: globalThis.location?.origin ?? '' })
client.use(session)

async function problemOf(response: Response, error: unknown): Promise<ApiProblem> {
  const body: ProblemBody = error && typeof error === 'object' ? (error as ProblemBody) : { detail: String(error ?? '') }
  return new ApiProblem(response.status, body, response.headers.get('X-Correlation-ID'))
}

/**
 * The data of a call, or an ApiProblem thrown with the gateway's problem+json. A token the gateway refuses as
 * expired or revoked ends the session first.
 */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response }
  try {
    result = await call
  } catch (cause) {
    throw new ApiProblem(0, { title: '网络连接失败', detail: '无法连接服务器，请检查网络后重试' }, null)
  }
  const { data, error, response } = result
  if (response.ok) return data as T
  const problem = await problemOf(response, error)
  if (response.status === 401 && SESSION_ENDED_CODES.has(problem.code)) hooks.onSessionEnded(problem)
  throw problem
}

/** A list page as every list of the gateway answers it. */
export interface Page<T> {
  items: T[]
  total: number
  page: number
  page_size: number
}
