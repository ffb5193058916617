import { describe, expect, it } from 'vitest'
import { ApiProblem, fieldErrors, problemMessage } from '@/api/problem'

describe('problem+json answers become messages under form fields', () => {
  it('puts each field error under its field, several messages joined', () => {
    const body = { status: 422, code: 'VALIDATION_FAILED', detail: '校验失败',
      errors: { id_number: ['身份证号校验位错误'], phone: ['手机号格式不正确', '必填字段'] } }
    expect(fieldErrors(body)).toEqual({ id_number: '身份证号校验位错误', phone: '手机号格式不正确；必填字段' })
  })

  it('keeps dotted paths of nested fields', () => {
    expect(fieldErrors({ errors: { 'upfront_fees.0.amount': ['必须大于零'] } }))
      .toEqual({ 'upfront_fees.0.amount': '必须大于零' })
  })

  it('has no field errors when the problem names none', () => {
    expect(fieldErrors({ status: 409, detail: '该身份证号已存在' })).toEqual({})
  })

  it('shows the correlation id of a server error so support can find it', () => {
    const problem = new ApiProblem(503, { detail: '服务暂不可用' }, 'abc123')
    expect(problem.isServerError).toBe(true)
    expect(problemMessage(problem, '请将此编号告知技术支持')).toBe('服务暂不可用（请将此编号告知技术支持：abc123）')
  })

  it('shows only the detail of a refusal', () => {
    const problem = new ApiProblem(403, { detail: '权限不足', code: 'PERMISSION_DENIED' }, 'abc123')
    expect(problemMessage(problem)).toBe('权限不足')
    expect(problem.code).toBe('PERMISSION_DENIED')
  })
})
