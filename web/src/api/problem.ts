/** problem+json answers of the gateway, as the console shows them: a message, and messages under form fields. */

export interface ProblemBody {
  type?: string
  title?: string
  status?: number
  detail?: string
  code?: string
  errors?: Record<string, string[] | string>
  [extension: string]: unknown
}

export class ApiProblem extends Error {
  readonly status: number
  readonly code: string
  readonly detail: string
  readonly fieldErrors: Record<string, string>
  readonly correlationId: string | null
  readonly body: ProblemBody

  constructor(status: number, body: ProblemBody, correlationId: string | null) {
    const detail = body.detail || body.title || `HTTP ${status}`
    super(detail)
    this.name = 'ApiProblem'
    this.status = status
    this.code = body.code || ''
    this.detail = detail
    this.fieldErrors = fieldErrors(body)
    this.correlationId = correlationId
    this.body = body
  }

  /** 5xx: something support must look up, by the correlation id the gateway logged. */
  get isServerError(): boolean {
    return this.status >= 500
  }
}

/**
 * The `errors` member (field → messages) as one message per form field. Nested fields arrive dotted
 * (`upfront_fees.0.amount`); a form binds its items by the same path.
 */
export function fieldErrors(body: ProblemBody): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [field, messages] of Object.entries(body.errors ?? {})) {
    const list = Array.isArray(messages) ? messages : [messages]
    if (list.length) out[field] = list.map(String).join('；')
  }
  return out
}

/** The line a message box shows for a problem: the detail, with the correlation id on a server error. */
export function problemMessage(problem: ApiProblem, supportLabel = '请将此编号告知技术支持'): string {
  if (problem.isServerError && problem.correlationId) {
    return `${problem.detail}（${supportLabel}：${problem.correlationId}）`
  }
  return problem.detail
}
