import type { PageApi } from './api.js'

export interface PupilSummary {
  id: string
  name: string
}

/** Pupils' display names by id, read through `GET /v1/pupils?id=…` (so each is scoped and audited as a list). */
export async function pupilNames(api: PageApi, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter((id): id is string => Boolean(id)))].slice(0, 100)
  const names = new Map<string, string>()
  if (unique.length === 0) return names
  const query = unique.map((id) => `id=${id}`).join('&')
  const page = await api.get<{ results: PupilRecord[] }>(`/v1/pupils?pageSize=100&${query}`)
  for (const p of page.results) names.set(p.id, displayName(p))
  return names
}

export interface PupilRecord {
  id: string
  legalForename: string
  legalSurname: string
  preferredForename: string | null
  preferredSurname: string | null
  [key: string]: unknown
}

export const displayName = (p: PupilRecord): string =>
  `${p.preferredForename ?? p.legalForename} ${p.preferredSurname ?? p.legalSurname}`

/** The organisations the principal may see, by id, for filters and names (first 100 of each). */
export async function organisations(
  api: PageApi,
  which: { schools?: boolean; providers?: boolean }
): Promise<{ schools: Map<string, string>; providers: Map<string, string> }> {
  const [schools, providers] = await Promise.all([
    which.schools ? api.get<{ results: { id: string; name: string }[] }>('/v1/schools?pageSize=100') : undefined,
    which.providers ? api.get<{ results: { id: string; name: string }[] }>('/v1/providers?pageSize=100') : undefined
  ])
  return {
    schools: new Map((schools?.results ?? []).map((s) => [s.id, s.name])),
    providers: new Map((providers?.results ?? []).map((p) => [p.id, p.name]))
  }
}

/** Just these schools and providers by id (one read each, no list), for a page that names only a few. */
export async function organisationsById(
  api: PageApi,
  ids: { schools: (string | null | undefined)[]; providers: (string | null | undefined)[] }
): Promise<{ schools: Map<string, string>; providers: Map<string, string> }> {
  const unique = (xs: (string | null | undefined)[]) => [...new Set(xs.filter((x): x is string => Boolean(x)))]
  const read = (kind: 'schools' | 'providers') =>
    Promise.all(
      unique(ids[kind]).map(async (id) => {
        const org = await api.maybe<{ id: string; name: string }>(`/v1/${kind}/${id}`)
        return org ? ([org.id, org.name] as const) : undefined
      })
    ).then((found) => new Map(found.filter((f) => f !== undefined)))
  const [schools, providers] = await Promise.all([read('schools'), read('providers')])
  return { schools, providers }
}

/** Select items for a GOV.UK select, with an "All" first and the current value selected. */
export function selectItems(map: Map<string, string>, selected: string | undefined, all = 'All'): object[] {
  return [
    { value: '', text: all, selected: !selected },
    ...[...map].map(([value, text]) => ({ value, text, selected: value === selected }))
  ]
}

/** `?a=1&b=2` from the defined members. */
export function queryString(q: Record<string, string | number | undefined | null>): string {
  const parts = Object.entries(q)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
  return parts.length ? `?${parts.join('&')}` : ''
}
