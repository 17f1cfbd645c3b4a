// Search in the 中介服务超市 catalogue (pure, tested): every word must match a service's code,
// name, department, standards or materials, or the name/qualifications of an agency that can
// take it on.
import type { Agency, MarketCatalogue, ServiceListing } from '../../api/types'

/** The agencies with a qualification that lists the service. */
export function agenciesFor(m: MarketCatalogue, item: string): Agency[] {
  return m.agencies.filter((a) => a.qualifications.some((q) => q.services.includes(item)))
}

function words(q: string): string[] {
  return q.toLowerCase().split(/\s+/).filter(Boolean)
}

export function searchServices(m: MarketCatalogue, q: string, departmentName: (code: string) => string = (c) => c): ServiceListing[] {
  const ws = words(q)
  if (!ws.length) return m.services
  return m.services.filter((s) => {
    const hay = [
      s.item,
      s.name,
      s.competent_department,
      departmentName(s.competent_department),
      s.fee_standard,
      s.service_standard,
      ...s.materials,
      // An agency matches by its name and by the qualifications that cover this service.
      ...agenciesFor(m, s.item).flatMap((a) => [
        a.name,
        ...a.qualifications.filter((x) => x.services.includes(s.item)).map((x) => x.name),
      ]),
    ]
      .join('\n')
      .toLowerCase()
    return ws.every((w) => hay.includes(w))
  })
}

export function searchAgencies(m: MarketCatalogue, q: string): Agency[] {
  const ws = words(q)
  if (!ws.length) return m.agencies
  return m.agencies.filter((a) => {
    const services = m.services.filter((s) => a.qualifications.some((x) => x.services.includes(s.item)))
    const hay = [
      a.name,
      a.credit_code,
      a.address,
      a.contact.person,
      ...a.qualifications.flatMap((x) => [x.name, x.level ?? '', x.certificate, ...x.services]),
      ...services.map((s) => s.name),
    ]
      .join('\n')
      .toLowerCase()
    return ws.every((w) => hay.includes(w))
  })
}
