// Writes tests/fixtures/time-zones.txt: the zone data (js/zones.js, from this Node's Intl) of
// the zones the native tests use, one `name<TAB>data` line each. The native tests cannot ask
// Intl; the package's own tests check the same data against Intl for every zone.
//
//   node scripts/zone-fixture.mjs > tests/fixtures/time-zones.txt
import { zoneData } from "../js/zones.js";

const ZONES = [
  "America/New_York",
  "America/Chicago",
  "America/Sao_Paulo",
  "Australia/Sydney",
  "Australia/Lord_Howe",
  "Europe/Berlin",
  "Europe/London",
  "Europe/Paris",
  "Asia/Kathmandu",
  "Asia/Kolkata",
  "UTC",
];
for (const zone of ZONES) process.stdout.write(`${zone}\t${zoneData(zone)}\n`);
