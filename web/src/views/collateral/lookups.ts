/** Names for the ids the collateral answers carry (owners, vehicles), fetched once per id and shared by the pages. */
import { reactive } from 'vue'
import { client, unwrap, type Schemas } from '@/api/client'
import { useSession } from '@/stores/session'

export type Customer = Schemas['Customer']
export type Vehicle = Schemas['Vehicle']

/** How a customer reads in a select or a cell: the name, with the masked ID number or USCC to tell namesakes apart. */
export function customerLabel(customer: Pick<Customer, 'name' | 'id_number' | 'uscc'>): string {
  const document = customer.id_number || customer.uscc
  return document ? `${customer.name}（${document}）` : customer.name
}

/** How a vehicle reads in a cell: its plate, else its VIN. */
export function vehicleLabel(vehicle: Pick<Vehicle, 'plate_number' | 'vin'>): string {
  return vehicle.plate_number || vehicle.vin
}

function lookup<T>(fetchOne: (id: string) => Promise<T>) {
  const known = reactive(new Map<string, T | null>())
  const pending = new Set<string>()

  /** Fetches the ids not known yet, at most a page's worth at once; an id that cannot be read stays null. */
  async function resolve(ids: Iterable<string | null | undefined>): Promise<void> {
    const wanted = [...new Set([...ids].filter((id): id is string => !!id && !known.has(id) && !pending.has(id)))]
    await Promise.all(wanted.map(async (id) => {
      pending.add(id)
      try {
        known.set(id, await fetchOne(id) as never)
      } catch {
        known.set(id, null)
      } finally {
        pending.delete(id)
      }
    }))
  }

  function remember(id: string, value: T): void {
    known.set(id, value as never)
  }

  return { known, resolve, remember, get: (id: string | null | undefined) => (id ? (known.get(id) as T | null | undefined) : undefined) }
}

type Lookup<T> = ReturnType<typeof lookup<T>>
// Kept for the tab's session: another login (another employee, another data scope) starts afresh.
let cache: { token: string | null; customers: Lookup<Customer>; vehicles: Lookup<Vehicle> } | null = null

function lookups() {
  const session = useSession()
  if (!cache || cache.token !== session.token) {
    cache = {
      token: session.token,
      customers: lookup((id) => unwrap(client.GET('/api/v1/customers/{customer_id}', {
        params: { path: { customer_id: id } },
      })) as Promise<Customer>),
      vehicles: lookup((id) => unwrap(client.GET('/api/v1/vehicles/{vehicle_id}', {
        params: { path: { vehicle_id: id } },
      })) as Promise<Vehicle>),
    }
  }
  return { session, ...cache }
}

/** Customers by id (only for those who may read customers; for the others the id is shown). */
export function useCustomers() {
  const { session, customers } = lookups()
  return {
    ...customers,
    resolve: (ids: Iterable<string | null | undefined>) =>
      (session.can('customer.view') ? customers.resolve(ids) : Promise.resolve()),
  }
}

export function useVehicles() {
  return lookups().vehicles
}
