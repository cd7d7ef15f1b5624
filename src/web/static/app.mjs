// Progressive enhancement only: every page works without this script.
import { initAll } from '/frontend/govuk-frontend.min.js'

initAll()
