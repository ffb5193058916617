/** Where the console handles a to-do of 我的待办: the page for the item's kind, found from the API path it names. */

export interface Linked { kind: string; id: string; link: string }

const COLLATERAL_TASK_PAGES: Record<string, string> = {
  gps_install: '/collateral/gps-tasks', gps_removal: '/collateral/gps-tasks',
  mortgage_registration: '/collateral/mortgages', mortgage_release: '/collateral/releases',
}

/** The console path for an item, or null when the console has no page for it. */
export function consolePath(item: Linked): string | null {
  if (item.kind in COLLATERAL_TASK_PAGES) return `${COLLATERAL_TASK_PAGES[item.kind]}?task=${encodeURIComponent(item.id)}`
  const [path, query = ''] = item.link.split('?')
  const loan = /^\/api\/v1\/loans\/([^/]+)$/.exec(path)
  const match = (pattern: RegExp) => pattern.exec(path)?.[1]
  if (item.kind.startsWith('application_')) {
    const id = match(/^\/api\/v1\/loan-applications\/([^/]+)$/)
    return id ? `/business/applications/${id}` : null
  }
  switch (item.kind) {
    case 'disbursement_review': return '/business/disbursements'
    case 'credit_line_decision': return '/business/credit-lines'
    case 'extension_decision':
    case 'transfer_decision': return loan ? `/loans/${loan[1]}?tab=servicing` : null
    case 'reversal_decision': return loan ? `/loans/${loan[1]}?tab=repayments` : null
    case 'collection_task': {
      const id = match(/^\/api\/v1\/collection\/tasks\/([^/]+)$/)
      return id ? `/post-loan/tasks/${id}` : null
    }
    case 'classification_adjustment': return `/post-loan/classifications${query ? `?${query}` : ''}`
    default: return null
  }
}
