/**
 * 套打: a loan's contract or schedule PDF, fetched with the user's token (`parseAs: 'blob'`) and shown in a tab of
 * its own. The tab is opened on the click itself, before the PDF arrives, so no popup blocker stops it; where no
 * tab can be opened (blocked, or an embedded browser) the PDF is saved under the name the gateway gives it.
 */
import { unwrap } from '@/api/client'
import { filenameFromDisposition } from '@/views/finance/finance'

type BlobCall = Promise<{ data?: unknown; error?: unknown; response: Response }>

export interface PdfWindow {
  location: { href: string }
  close: () => void
}

/** How the PDF reaches the user: in `tab` (opened on the click), else as a download. Returns its file name. */
export async function showPdf(call: BlobCall, fallback: string, tab: PdfWindow | null): Promise<string> {
  let response: Response | undefined
  let blob: Blob
  try {
    blob = await unwrap(call.then((result) => { response = result.response; return result })) as Blob
  } catch (error) {
    tab?.close()
    throw error
  }
  const name = filenameFromDisposition(response?.headers.get('Content-Disposition'), fallback)
  const url = URL.createObjectURL(blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' }))
  if (tab) {
    tab.location.href = url
    setTimeout(() => URL.revokeObjectURL(url), 60_000) // the tab has read it by then
  } else {
    const link = document.createElement('a')
    link.href = url
    link.download = name
    document.body.appendChild(link)
    link.click()
    link.remove()
    setTimeout(() => URL.revokeObjectURL(url), 1000)
  }
  return name
}

/** A tab for a PDF about to arrive (null where none can be opened). */
export function openPdfTab(): PdfWindow | null {
  return window.open('', '_blank') as PdfWindow | null
}
