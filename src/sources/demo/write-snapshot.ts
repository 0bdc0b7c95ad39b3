/** Build step (`npm run build`): writes the demo's snapshot to dist/demo, so `audit --demo` starts from it. */
import { DEMO_SNAPSHOT_DIR, writeDemoSnapshot } from './snapshot.js';

await writeDemoSnapshot(DEMO_SNAPSHOT_DIR);
process.stdout.write(`demo snapshot written to ${DEMO_SNAPSHOT_DIR}\n`);
