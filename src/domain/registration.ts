import { endOfCompulsorySchoolAge } from './school-year.js'

/** Hours counted for one half-day session when testing the unregistered-provider full-time threshold. */
export const SESSION_HOURS = 2.5

export interface RunningPlacementFacts {
  sessionsAtProvider: number
  lookedAfter: boolean
  senProvision: string | null
  dateOfBirth: string
}

export interface RegistrationCheck {
  unregistered: boolean
  fullTimeThresholdHours: number
  sessionHours: number
  fullTimePupils: number
  fullTimeLookedAfterOrEhcp: number
  flagged: boolean
  rule: string
}

/**
 * The unregistered-provider registration threshold (domain.md §2.5): an unregistered provider teaching 5 or
 * more pupils of compulsory school age full time, or any looked-after pupil or pupil with an EHC plan full
 * time, must register as an independent school. Full time is `thresholdHours` a week, counted in sessions.
 */
export function registrationCheck(
  unregistered: boolean,
  running: RunningPlacementFacts[],
  thresholdHours: number,
  today: string
): RegistrationCheck {
  const minSessions = Math.ceil(thresholdHours / SESSION_HOURS)
  // Pupils of compulsory school age only: past the last Friday of June in Year 11 they no longer count.
  const rows = running.filter(
    (r) => r.sessionsAtProvider >= minSessions && endOfCompulsorySchoolAge(r.dateOfBirth) >= today
  )
  const vulnerable = rows.filter((r) => r.lookedAfter || r.senProvision === 'E').length
  return {
    unregistered,
    fullTimeThresholdHours: thresholdHours,
    sessionHours: SESSION_HOURS,
    fullTimePupils: rows.length,
    fullTimeLookedAfterOrEhcp: vulnerable,
    flagged: unregistered && (rows.length >= 5 || vulnerable >= 1),
    rule:
      `An unregistered provider teaching 5 or more pupils full time (${minSessions}+ sessions ≈ ` +
      `${thresholdHours}+ hours a week), or any looked-after pupil or pupil with an EHC plan ` +
      'full time, must register as an independent school'
  }
}
