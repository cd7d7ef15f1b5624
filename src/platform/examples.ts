/**
 * OpenAPI documentation keyed by operationId, merged into the generated document by plugins/openapi-docs.ts.
 *
 * `requestExamples`: values that make a request example realistic. They are merged over an example generated
 * from the body schema (every property filled from its `examples`, default or first enum value), so an entry names
 * only the fields worth choosing; a field set to `undefined` is left out (fields that exclude each other). An array
 * replaces the generated one. test/openapi.test.ts checks every example against its schema.
 */

const objective = {
  description: 'Attend every timetabled session',
  baseline: '62% attendance in the autumn term',
  target: '90% attendance over six weeks'
}
const plan = {
  objectives: [objective],
  reintegrationPlan: 'Two days a week back at the home school from the second half-term, rising to full time.',
  transitionPlan: undefined,
  intendedPost16Route: undefined,
  readinessCriteria: 'Attendance at 90% and no removals from class for four weeks.'
}
const placementBody = {
  reasonCode: 'OSD',
  startDate: '2026-09-07',
  plannedEndDate: '2027-02-12',
  sessionsAtProvider: 6,
  sessionsAtHomeSchool: 4,
  partTimePlan: undefined,
  plan,
  laNotifiedOn: '2026-09-01',
  parentNoticeGivenOn: '2026-09-01',
  laNoticeGivenOn: '2026-09-01'
}
const halfTerms = [
  { firstDay: '2026-09-03', lastDay: '2026-10-23' },
  { firstDay: '2026-11-02', lastDay: '2026-12-18' },
  { firstDay: '2027-01-05', lastDay: '2027-02-12' },
  { firstDay: '2027-02-22', lastDay: '2027-03-26' },
  { firstDay: '2027-04-12', lastDay: '2027-05-28' },
  { firstDay: '2027-06-07', lastDay: '2027-07-21' }
]
const outcome = {
  code: 'RETURNED_TO_HOME_SCHOOL_FULL_TIME',
  effectiveDate: '2027-02-12',
  receiving: undefined,
  finalReviewId: '42',
  finalReviewMissingReason: undefined,
  reasons: undefined,
  otherText: undefined,
  phasedPlan: undefined,
  destination: undefined
}

export const requestExamples: Record<string, unknown> = {
  putLaPolicy: {
    reviewIntervalSchoolWeeks: 6,
    firstReviewSchoolDays: 20,
    referralDecisionSchoolDays: 10,
    tier1MaxSchoolWeeks: 26,
    tier2MaxSchoolWeeks: 26,
    tier3MaxSchoolWeeks: null,
    smallNumberThreshold: 5,
    fullTimeThresholdHours: 18,
    sustainedAttendancePct: 90,
    followUpResponseSchoolDays: 10
  },
  createSchool: { name: 'Oakfield Academy', phase: 'SECONDARY', type: 'ACADEMY' },
  updateSchool: { name: 'Oakfield Academy', phase: 'SECONDARY', type: 'ACADEMY' },
  createProvider: {
    name: 'Riverside Pupil Referral Unit',
    ukprn: undefined,
    settingType: undefined,
    qaStatus: 'APPROVED',
    qaDate: '2026-07-01',
    safeguardingConfirmedOn: '2026-07-01',
    tiers: [
      { tier: 1, places: 10 },
      { tier: 2, places: 24 },
      { tier: 3, places: 8 }
    ]
  },
  updateProvider: {
    name: 'Riverside Pupil Referral Unit',
    ukprn: undefined,
    settingType: undefined,
    qaStatus: 'APPROVED',
    qaDate: '2026-07-01',
    safeguardingConfirmedOn: '2026-07-01',
    tiers: [{ tier: 2, places: 24 }]
  },
  createPupil: {
    legalForename: 'Alex',
    legalSurname: 'Morgan',
    preferredForename: 'Lex',
    preferredSurname: undefined,
    dateOfBirth: '2012-03-14',
    senProvision: 'K',
    fsmEligible: true,
    lookedAfter: false,
    childInNeed: false,
    ncYearOverride: undefined
  },
  updatePupil: {
    upn: undefined,
    uln: undefined,
    legalForename: undefined,
    legalSurname: undefined,
    preferredForename: 'Lex',
    preferredSurname: undefined,
    dateOfBirth: undefined,
    sex: undefined,
    senProvision: 'E',
    fsmEligible: undefined,
    lookedAfter: undefined,
    childInNeed: undefined,
    ethnicity: undefined,
    homeSchoolId: undefined,
    homeLaCode: undefined,
    ncYearOverride: undefined
  },
  createToken: { label: 'Oakfield Academy pastoral office', role: 'school', providerId: undefined, expiresInDays: 90 },
  putLaCalendar: { halfTerms },
  putSchoolCalendar: { halfTerms, closures: [{ date: '2026-09-03', kind: 'INSET', reason: 'Staff training day' }] },
  createReasonCode: { code: 'LOCAL01', label: 'Anxiety-related non-attendance' },
  createReferral: {
    requestedTier: 2,
    legalBasis: 'OFF_SITE_DIRECTION_S29A',
    reasonCode: 'OSD',
    needsSummary:
      'Repeated physical assaults on peers since Year 8; SEN support for social, emotional and mental health needs.',
    interventionsTried:
      'Pastoral support plan, mentoring, a reduced timetable for two weeks and an early help assessment.',
    proposedObjectives: [objective],
    baselineAttendancePct: 62,
    baselineFrom: '2026-04-13',
    baselineTo: '2026-07-17',
    parentConsultedOn: '2026-07-08',
    pupilViews: 'Wants smaller classes and to get back to football at school.',
    sendCaseworkerToldOn: undefined,
    virtualSchoolToldOn: undefined,
    exclusions: [{ kind: 'SUSPENSION', firstDay: '2026-06-01', lengthSchoolDays: 3 }]
  },
  decideReferral: { decision: 'ACCEPT', reason: 'Meets the Tier 2 criteria; Riverside has places from September.' },
  withdrawReferral: { reason: 'The pupil has moved to another LA.' },
  createPlacement: { tier: 2, legalBasis: 'OFF_SITE_DIRECTION_S29A', ...placementBody },
  updatePlacement: {
    startDate: undefined,
    plannedEndDate: undefined,
    sessionsAtProvider: undefined,
    sessionsAtHomeSchool: undefined,
    partTimePlan: undefined,
    plan,
    laNotifiedOn: undefined,
    parentNoticeGivenOn: undefined,
    laNoticeGivenOn: undefined
  },
  pausePlacement: { reason: 'Hospital admission; the provider keeps the place open.' },
  cancelPlacement: { reason: 'The parent chose elective home education before the start.' },
  escalatePlacement: { ...placementBody, startDate: '2027-02-15', plannedEndDate: '2027-07-21' },
  stepDownPlacement: { ...placementBody, startDate: '2027-02-15', plannedEndDate: '2027-05-28' },
  closePlacement: outcome,
  correctOutcome: {
    ...outcome,
    correctionReason: 'The effective date was entered as the last review date by mistake.'
  },
  recordFollowUp: {
    onRoll: true,
    rollSchoolId: undefined,
    attendancePct: 93.5,
    permanentlyExcluded: false,
    suspensionDays: 0,
    newPlacement: false,
    participating: undefined,
    destination: undefined,
    monthsInEducation: undefined,
    monthsInEmployment: undefined,
    notes: 'Settled in Year 9 tutor group; weekly check-in with the pastoral lead.'
  },
  holdReview: {
    heldOn: '2026-10-15',
    attendees: {
      school: true,
      provider: true,
      la: true,
      parent: true,
      pupil: false,
      others: ['Educational psychologist']
    },
    parentViews: 'Pleased with progress; worried about the move back at half-term.',
    parentViewsMissingReason: undefined,
    pupilViews: undefined,
    pupilViewsMissingReason: 'Did not want to attend; views to be gathered by the key worker this week.',
    attendanceSinceLastPct: 88,
    objectives: [{ objective: 0, progress: 'PARTLY', evidence: 'Attendance 88% over the half-term, up from 62%.' }],
    decision: 'CONTINUE',
    extension: undefined,
    nextReviewOn: '2026-11-26'
  },
  putSchoolView: { view: 'Ready to plan a phased return after Christmas; the form tutor will visit the provider.' },
  approveExtension: {
    upTo: '2027-05-28',
    reason: 'A phased return needs the spring term; the provider and school agree.'
  },
  requestReview: { receivedOn: '2026-10-01' },
  recordAttendance: {
    marks: [
      { pupilId: '42', date: '2026-09-07', session: 'AM', code: 'PRESENT', reason: undefined },
      { pupilId: '42', date: '2026-09-07', session: 'PM', code: 'ABSENT_AUTH', reason: 'Medical appointment' }
    ]
  },
  recordAssessment: {
    scale: 'STANDARDISED_SCORE',
    scaleName: undefined,
    scaleMin: undefined,
    scaleMax: undefined,
    score: 86,
    reviewId: undefined
  },
  recordQualificationResult: { qualification: 'GCSE', level: 'Level 2', grade: '4', awardedOn: '2027-08-20' }
}

/** The description of an operation's success response, where the one derived from its schema says too little. */
export const successDescriptions: Record<string, string> = {
  getLiveness: 'OK: the process is up.',
  getReadiness: 'OK: the process is up and the database answers.'
}
