import { afterEach, describe, expect, it, vi } from 'vitest'
import { showPdf, type PdfWindow } from '@/views/servicing/printing'

function answer(status: number, body: BodyInit, headers: Record<string, string>) {
  const response = new Response(body, { status, headers })
  return status < 400
    ? Promise.resolve({ data: new Blob([body as string], { type: headers['Content-Type'] }), response })
    : Promise.resolve({ error: JSON.parse(body as string), response })
}

const PDF = { 'Content-Type': 'application/pdf',
  'Content-Disposition': "inline; filename=\"CL20261026-0001-contract.pdf\"; filename*=UTF-8''CL20261026-0001-contract.pdf" }

describe('a contract PDF for the user', () => {
  afterEach(() => vi.restoreAllMocks())

  it('is shown in the tab opened on the click, under the name the gateway gives', async () => {
    const objectUrl = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:contract')
    const tab: PdfWindow = { location: { href: '' }, close: vi.fn() }
    const name = await showPdf(answer(200, '%PDF-1.4', PDF), 'loan.pdf', tab)
    expect(name).toBe('CL20261026-0001-contract.pdf')
    expect(tab.location.href).toBe('blob:contract')
    expect((objectUrl.mock.calls[0][0] as Blob).type).toBe('application/pdf')
  })

  it('is saved as a file where no tab could be opened', async () => {
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:contract')
    const clicked: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download)
    })
    await showPdf(answer(200, '%PDF-1.4', PDF), 'loan.pdf', null)
    expect(clicked).toEqual(['CL20261026-0001-contract.pdf'])
  })

  it('closes the tab and throws the gateway problem when refused', async () => {
    const tab: PdfWindow = { location: { href: '' }, close: vi.fn() }
    const refused = answer(404, JSON.stringify({ status: 404, title: '未找到', code: 'LOAN_NOT_FOUND', detail: '贷款不存在' }),
      { 'Content-Type': 'application/problem+json' })
    await expect(showPdf(refused, 'loan.pdf', tab)).rejects.toMatchObject({ status: 404, code: 'LOAN_NOT_FOUND' })
    expect(tab.close).toHaveBeenCalled()
    expect(tab.location.href).toBe('')
  })
})
