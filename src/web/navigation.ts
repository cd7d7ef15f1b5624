import type { Role } from '../platform/auth/principal.js'

export interface NavItem {
  href: string
  text: string
  active: boolean
}

const NAV: Record<Role, [string, string][]> = {
  coordinator: [
    ['/worklist', 'Worklist'],
    ['/referrals', 'Referrals'],
    ['/pupils', 'Pupils'],
    ['/placements', 'Placements'],
    ['/providers', 'Providers'],
    ['/compliance', 'Compliance'],
    ['/exports', 'Exports']
  ],
  school: [
    ['/pupils', 'Pupils'],
    ['/referrals', 'Referrals'],
    ['/placements', 'Placements'],
    ['/worklist', 'Worklist']
  ],
  provider: [
    ['/placements', 'Placements'],
    ['/attendance', 'Attendance register'],
    ['/worklist', 'Worklist']
  ],
  analyst: [
    ['/dashboard', 'Outcomes'],
    ['/compliance', 'Compliance']
  ],
  la_admin: [
    ['/dashboard', 'Outcomes'],
    ['/compliance', 'Compliance'],
    ['/admin/organisations', 'Organisations'],
    ['/admin/sign-in-roles', 'Sign-in roles'],
    ['/admin/tokens', 'Tokens'],
    ['/admin/audit', 'Audit']
  ]
}

/** The role's sub-navigation, with the section of the current URL marked. */
export function navigationFor(role: Role, url: string): NavItem[] {
  const pathname = url.split('?')[0] ?? '/'
  return NAV[role].map(([href, text]) => ({
    href,
    text,
    active: pathname === href || pathname.startsWith(`${href}/`)
  }))
}

export const ROLE_NAMES: Record<Role, string> = {
  la_admin: 'LA administrator',
  coordinator: 'AP coordinator',
  school: 'School',
  provider: 'AP provider',
  analyst: 'LA analyst'
}
