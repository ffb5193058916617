/** Who the ids of the post-loan answers are (collectors, requesters): employees, for those who may read them. */
import { computed, shallowRef } from 'vue'
import { client, unwrap, type Schemas } from '@/api/client'
import { useSession } from '@/stores/session'
import { i18n } from '@/i18n'

type Employee = Schemas['Employee']

let cache: { token: string | null; employees: ReturnType<typeof shallowRef<Employee[]>>; loading: Promise<void> | null } | null = null

async function loadAll(): Promise<Employee[]> {
  const all: Employee[] = []
  for (let page = 1; page <= 10; page++) {
    const answer = await unwrap(client.GET('/api/v1/employees', { params: { query: { page, page_size: 100 } } }))
    all.push(...answer.items)
    if (all.length >= answer.total || answer.items.length === 0) break
  }
  return all
}

export function useStaff() {
  const session = useSession()
  if (!cache || cache.token !== session.token) cache = { token: session.token, employees: shallowRef<Employee[]>([]), loading: null }
  const state = cache
  const readable = computed(() => session.can('org.employees.view'))

  function load(): Promise<void> {
    if (!readable.value) return Promise.resolve()
    state.loading ??= loadAll().then((list) => { state.employees.value = list }).catch(() => { state.loading = null })
    return state.loading
  }

  const byId = computed(() => new Map((state.employees.value ?? []).map((e) => [e.id, e])))

  /** A name for an employee id: oneself, a known employee, or the id as it is. */
  function nameOf(id: string | null | undefined): string {
    if (!id) return '—'
    if (id.startsWith('system:')) return i18n.global.t('postloan.system') // a service's own change (close of business)
    if (id === session.me?.id) return `${session.me.name}（${i18n.global.t('postloan.me')}）`
    return byId.value.get(id)?.name ?? id
  }

  /** The active collectors of a department (the server refuses any other). */
  function collectorsOf(departmentId: string | null | undefined): Employee[] {
    return (state.employees.value ?? []).filter((e) => e.status === 'active' && (e.roles ?? []).includes('collector')
      && (!departmentId || e.department_id === departmentId))
  }

  const collectors = computed(() => collectorsOf(null))

  return { readable, load, nameOf, collectorsOf, collectors }
}
