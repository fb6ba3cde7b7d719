// Renders the golden badges of badge_test.go with shields' own badge-maker, the reference
// Tocsin's badges must equal byte for byte. To regenerate (only if a case is added):
//
//   mkdir /tmp/ref && cd /tmp/ref && npm install badge-maker@6.0.0
//   cp .../internal/web/badge/testdata/reference.mjs . && node reference.mjs .../internal/web/badge/testdata
import { makeBadge } from 'badge-maker'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

const cases = {
  'status-up': ['status', 'up', '#4b0'],
  'uptime-30d': ['uptime 30d', '99.95%', '#4b0'],
  'response': ['response', '123 ms', '#4b0'],
  'escaped': ['a<b&c"d\'e>', 'ünïcödé 日本語 ✓ €', '#dd4343'],
  'message-only': ['', 'solo', '#007ec6'],
  'light': ['light', 'bg', '#eeeeee'],
}
for (const [name, [label, message, color]] of Object.entries(cases)) {
  writeFileSync(join(process.argv[2], name + '.svg'), makeBadge({ label, message, color, style: 'flat' }))
}
