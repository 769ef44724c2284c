// The port of Qingdao as the simulator models it: the parties, the liner network, the terminals
// and the inland ports. Static data plus vessels built from the seed, all identifiers valid.
import type { Role } from '../core/identity.js';
import { checkDigit, imoCheckDigit } from '../standards/index.js';
import { Random } from './random.js';

export const PORT_LOCODE = 'CNTAO';

/** The plan's container throughput (million TEU a year): 2024 actual, 2028 and 2035 targets. */
const PLAN_TEU_MILLIONS: [number, number][] = [[2024, 30.87], [2028, 41], [2035, 54]];

/** Annual TEU for a year, interpolated along the plan's figures (held flat outside them). */
export function annualTeuForYear(year: number): number {
  const pts = PLAN_TEU_MILLIONS;
  if (year <= pts[0][0]) return pts[0][1] * 1e6;
  for (let i = 1; i < pts.length; i++) {
    const [y0, v0] = pts[i - 1];
    const [y1, v1] = pts[i];
    if (year <= y1) return (v0 + ((v1 - v0) * (year - y0)) / (y1 - y0)) * 1e6;
  }
  return pts[pts.length - 1][1] * 1e6;
}

export interface SimParty {
  key: string;
  name: string;
  roles: Role[];
  /** Demo login for this party's operator. */
  username: string;
}

export interface Carrier extends SimParty {
  /** SCAC-like carrier code. */
  code: string;
  /** BIC owner prefixes of its containers. */
  boxPrefixes: string[];
  /** Flag MIDs (MMSI country digits) of its fleet. */
  mids: string[];
}

export const CARRIERS: Carrier[] = [
  { key: 'cosco', name: 'COSCO Shipping Lines', roles: ['carrier'], username: 'cosco', code: 'COSU', boxPrefixes: ['CSNU', 'CBHU', 'CCLU'], mids: ['477', '413'] },
  { key: 'msc', name: 'Mediterranean Shipping Company', roles: ['carrier'], username: 'msc', code: 'MSCU', boxPrefixes: ['MSCU', 'MEDU', 'TGHU'], mids: ['636', '371', '255'] },
  { key: 'maersk', name: 'Maersk', roles: ['carrier'], username: 'maersk', code: 'MAEU', boxPrefixes: ['MSKU', 'MRKU', 'MAEU'], mids: ['219', '220'] },
  { key: 'cma', name: 'CMA CGM', roles: ['carrier'], username: 'cmacgm', code: 'CMDU', boxPrefixes: ['CMAU', 'ECMU', 'APZU'], mids: ['228', '563'] },
  { key: 'evergreen', name: 'Evergreen Marine', roles: ['carrier'], username: 'evergreen', code: 'EGLV', boxPrefixes: ['EGHU', 'EISU', 'EMCU'], mids: ['416', '353'] },
  { key: 'one', name: 'Ocean Network Express', roles: ['carrier'], username: 'one', code: 'ONEY', boxPrefixes: ['ONEU', 'NYKU', 'MOLU'], mids: ['431', '563'] },
  { key: 'hapag', name: 'Hapag-Lloyd', roles: ['carrier'], username: 'hapag', code: 'HLCU', boxPrefixes: ['HLXU', 'HLBU', 'UACU'], mids: ['211', '218'] },
  { key: 'sitc', name: 'SITC Container Lines', roles: ['carrier'], username: 'sitc', code: 'SITC', boxPrefixes: ['SITU', 'SEGU'], mids: ['477', '413'] },
  { key: 'sdg', name: 'Shandong Port Shipping', roles: ['carrier'], username: 'sdgshipping', code: 'SDPS', boxPrefixes: ['SDGU', 'QDPU'], mids: ['413', '414'] },
];

export interface Berth { id: string; lengthM: number; depthM: number; cranes: number }
export interface Terminal extends SimParty { code: string; berths: Berth[] }

const berths = (prefix: string, specs: [number, number, number][]): Berth[] =>
  specs.map(([lengthM, depthM, cranes], i) => ({ id: `${prefix}${String(i + 1).padStart(2, '0')}`, lengthM, depthM, cranes }));

export const TERMINALS: Terminal[] = [
  {
    key: 'qianwan', name: 'Qingdao Qianwan Container Terminal', roles: ['terminal'], username: 'qqct', code: 'QQCT',
    berths: berths('QW', [[400, 17.5, 6], [400, 17.5, 6], [400, 17.5, 6], [380, 17.5, 5], [380, 17.5, 5], [350, 16, 5], [350, 16, 5], [350, 16, 4], [300, 15, 4], [300, 15, 4], [330, 17.5, 5]]),
  },
  {
    key: 'dongjiakou', name: 'Dongjiakou Container Terminal', roles: ['terminal'], username: 'djkct', code: 'DJKT',
    berths: berths('DJ', [[400, 20, 6], [400, 20, 6], [400, 20, 6], [350, 17, 5], [350, 17, 5], [300, 15, 4]]),
  },
];

export const RAIL_OPERATOR: SimParty = { key: 'rail', name: 'Qingdao Port Sea-Rail Intermodal', roles: ['rail_operator'], username: 'searail' };
export const FORWARDERS: SimParty[] = [
  { key: 'sinotrans', name: 'Sinotrans Shandong', roles: ['forwarder'], username: 'sinotrans' },
  { key: 'kuehne', name: 'Kuehne+Nagel Qingdao', roles: ['forwarder'], username: 'kn.qingdao' },
  { key: 'dhl', name: 'DHL Global Forwarding Qingdao', roles: ['forwarder'], username: 'dhl.qingdao' },
  { key: 'haier', name: 'Haier Logistics', roles: ['forwarder', 'shipper'], username: 'haier' },
];
export const OTHER_PARTIES: SimParty[] = [
  { key: 'haulier', name: 'Qingdao Jiaoyun Haulage', roles: ['haulier'], username: 'haulier' },
  { key: 'customs', name: 'Qingdao Customs', roles: ['customs'], username: 'customs' },
  { key: 'msa', name: 'Qingdao Maritime Safety Administration', roles: ['msa'], username: 'msa' },
  { key: 'border', name: 'Qingdao Border Inspection Station', roles: ['border'], username: 'border' },
  { key: 'authority', name: 'Qingdao Port Authority', roles: ['port_authority'], username: 'portauthority' },
  { key: 'office', name: 'Qingdao International Shipping Center Office', roles: ['shipping_center'], username: 'shippingcenter' },
];

export const ALL_PARTIES: SimParty[] = [...CARRIERS, ...TERMINALS, RAIL_OPERATOR, ...FORWARDERS, ...OTHER_PARTIES];

/** Inland ports of the Yellow River basin and Shandong that Qingdao's sea-rail trains serve. */
export interface InlandPort { name: string; nameZh: string; locode: string; province: string }
export const INLAND_PORTS: InlandPort[] = [
  { name: 'Zhengzhou', nameZh: '郑州', locode: 'CNCGO', province: 'Henan' },
  { name: "Xi'an", nameZh: '西安', locode: 'CNXIY', province: 'Shaanxi' },
  { name: 'Lanzhou', nameZh: '兰州', locode: 'CNLHW', province: 'Gansu' },
  { name: 'Taiyuan', nameZh: '太原', locode: 'CNTYN', province: 'Shanxi' },
  { name: 'Yinchuan', nameZh: '银川', locode: 'CNINC', province: 'Ningxia' },
  { name: 'Xining', nameZh: '西宁', locode: 'CNXNN', province: 'Qinghai' },
  { name: 'Baotou', nameZh: '包头', locode: 'CNBAV', province: 'Inner Mongolia' },
  { name: 'Hohhot', nameZh: '呼和浩特', locode: 'CNHET', province: 'Inner Mongolia' },
  { name: 'Luoyang', nameZh: '洛阳', locode: 'CNLYA', province: 'Henan' },
  { name: 'Urumqi', nameZh: '乌鲁木齐', locode: 'CNURC', province: 'Xinjiang' },
  { name: 'Jinan', nameZh: '济南', locode: 'CNTNA', province: 'Shandong' },
  { name: 'Zibo', nameZh: '淄博', locode: 'CNZBO', province: 'Shandong' },
  { name: 'Linyi', nameZh: '临沂', locode: 'CNLYI', province: 'Shandong' },
  { name: 'Weifang', nameZh: '潍坊', locode: 'CNWEF', province: 'Shandong' },
  { name: 'Jining', nameZh: '济宁', locode: 'CNJNG', province: 'Shandong' },
  { name: 'Liaocheng', nameZh: '聊城', locode: 'CNLCH', province: 'Shandong' },
  { name: 'Dezhou', nameZh: '德州', locode: 'CNDZU', province: 'Shandong' },
  { name: 'Heze', nameZh: '菏泽', locode: 'CNHZE', province: 'Shandong' },
  { name: 'Zaozhuang', nameZh: '枣庄', locode: 'CNZZG', province: 'Shandong' },
  { name: 'Binzhou', nameZh: '滨州', locode: 'CNBZO', province: 'Shandong' },
  { name: 'Datong', nameZh: '大同', locode: 'CNDAT', province: 'Shanxi' },
  { name: 'Shijiazhuang', nameZh: '石家庄', locode: 'CNSJW', province: 'Hebei' },
];

export type RouteGroup = 'japan_korea' | 'southeast_asia' | 'middle_east' | 'india_pakistan' | 'europe_americas' | 'domestic_trunk' | 'feeder';

interface GroupProfile {
  /** Vessel capacity range in TEU. */
  teu: [number, number];
  /** Share of capacity exchanged (discharged + loaded) at Qingdao per call. */
  exchange: number;
  services: number;
  callsPerWeek: number;
  /** Next ports, for the transport call's description. */
  ports: string[];
}

export const ROUTE_GROUPS: Record<RouteGroup, GroupProfile> = {
  japan_korea: { teu: [1000, 2800], exchange: 0.55, services: 9, callsPerWeek: 2, ports: ['KRPUS', 'KRINC', 'JPTYO', 'JPOSA', 'JPNGO'] },
  southeast_asia: { teu: [1800, 6500], exchange: 0.45, services: 9, callsPerWeek: 1, ports: ['SGSIN', 'VNSGN', 'THLCH', 'MYPKG', 'IDJKT'] },
  middle_east: { teu: [8000, 15000], exchange: 0.3, services: 5, callsPerWeek: 1, ports: ['AEJEA', 'SAJED', 'OMSOH', 'IQUQR'] },
  india_pakistan: { teu: [5000, 11000], exchange: 0.3, services: 4, callsPerWeek: 1, ports: ['INNSA', 'INMUN', 'PKKHI', 'LKCMB'] },
  europe_americas: { teu: [14000, 24000], exchange: 0.25, services: 10, callsPerWeek: 1, ports: ['NLRTM', 'DEHAM', 'BEANR', 'USLAX', 'USLGB', 'USNYC', 'MXZLO'] },
  domestic_trunk: { teu: [1000, 4500], exchange: 0.6, services: 5, callsPerWeek: 2, ports: ['CNSHA', 'CNNGB', 'CNCAN', 'CNXMN', 'CNTSN'] },
  feeder: { teu: [300, 1100], exchange: 0.8, services: 6, callsPerWeek: 4, ports: ['CNRZH', 'CNYNT', 'CNWEI', 'CNDLC', 'CNYIK'] },
};

export interface Vessel {
  name: string;
  imo: string;
  mmsi: string;
  callSign: string;
  teu: number;
  flag: string;
  lengthM: number;
  beamM: number;
  draughtM: number;
}

/** Typical dimensions of a container ship of a given capacity (length, beam, draught in m). */
export function dimensionsForTeu(teu: number): { lengthM: number; beamM: number; draughtM: number } {
  const classes: [number, number, number, number][] = [
    [1200, 150, 25, 8.5], [3000, 200, 28, 11], [6000, 260, 32, 13], [10000, 300, 43, 14.5], [15000, 366, 51, 15.5], [Infinity, 399, 61, 16.5],
  ];
  const [, lengthM, beamM, draughtM] = classes.find(([maxTeu]) => teu <= maxTeu)!;
  return { lengthM, beamM, draughtM };
}

/** Ocean mainline services: the plan's time-in-port indicator is about these. */
export const MAINLINE_GROUPS: readonly RouteGroup[] = ['europe_americas', 'middle_east', 'india_pakistan'];

export interface Service {
  code: string;
  group: RouteGroup;
  carrier: Carrier;
  terminal: Terminal;
  callsPerWeek: number;
  /** Hour of the week (0 = Monday 00:00 UTC) of each weekly call. */
  callHours: number[];
  vessels: Vessel[];
  nextPorts: string[];
}

const NAME_WORDS = ['Harmony', 'Aries', 'Fortune', 'Pacific', 'Qingdao', 'Star', 'Glory', 'Horizon', 'Unity', 'Jade', 'Phoenix', 'Orient',
  'Pioneer', 'Triumph', 'Spring', 'Ocean', 'Excellence', 'Pearl', 'Aurora', 'Laurel', 'Voyager', 'Lotus', 'Crane', 'Summit', 'Taishan', 'Laoshan'];
const FLAG_OF_MID: Record<string, string> = { '477': 'HK', '413': 'CN', '414': 'CN', '636': 'LR', '371': 'PA', '255': 'PT', '219': 'DK', '220': 'DK', '228': 'FR', '563': 'SG', '416': 'TW', '353': 'PA', '431': 'JP', '211': 'DE', '218': 'DE' };

export function makeImo(rng: Random): string {
  const first6 = `9${rng.int(10000, 99999)}`;
  return `${first6}${imoCheckDigit(first6)}`;
}

export function makeContainerNumber(prefix: string, serial: number): string {
  const base = `${prefix}${String(serial % 1_000_000).padStart(6, '0')}`;
  return `${base}${checkDigit(base)}`;
}

function makeVessel(rng: Random, carrier: Carrier, teu: number, used: Set<string>): Vessel {
  let name: string;
  do name = `${carrier.name.split(' ')[0].toUpperCase()} ${rng.pick(NAME_WORDS).toUpperCase()} ${rng.int(1, 99)}`; while (used.has(name));
  used.add(name);
  let imo: string;
  do imo = makeImo(rng); while (used.has(imo));
  used.add(imo);
  const mid = rng.pick(carrier.mids);
  const capacity = Math.round(teu / 100) * 100;
  return {
    name, imo, teu: capacity, ...dimensionsForTeu(capacity),
    mmsi: `${mid}${rng.int(100000, 999999)}`,
    callSign: `${String.fromCharCode(65 + rng.int(0, 25))}${String.fromCharCode(65 + rng.int(0, 25))}${rng.int(1000, 9999)}`,
    flag: FLAG_OF_MID[mid] ?? 'CN',
  };
}

/** The liner network: services per route group, with their vessels; the same for the same seed. */
export function buildServices(seed: number): Service[] {
  const rng = new Random(seed, 1);
  const used = new Set<string>();
  const services: Service[] = [];
  for (const [group, p] of Object.entries(ROUTE_GROUPS) as [RouteGroup, GroupProfile][]) {
    for (let s = 0; s < p.services; s++) {
      const carrier = group === 'feeder' || group === 'domestic_trunk' ? rng.pick([CARRIERS[0], CARRIERS[7], CARRIERS[8]]) : rng.pick(CARRIERS);
      // Mainline ships go to the deep water of Dongjiakou now and then; most calls are at Qianwan.
      const terminal = group === 'europe_americas' || group === 'middle_east' ? rng.weighted(TERMINALS, [0.6, 0.4]) : rng.weighted(TERMINALS, [0.8, 0.2]);
      const teu = rng.between(p.teu[0], p.teu[1]);
      const rotationWeeks = group === 'europe_americas' ? 12 : group === 'feeder' ? 1 : rng.int(3, 8);
      const vessels = Array.from({ length: Math.max(1, rotationWeeks * Math.min(p.callsPerWeek, 2)) }, () => makeVessel(rng, carrier, teu * rng.between(0.9, 1.1), used));
      const first = rng.int(0, 167);
      const callHours = Array.from({ length: p.callsPerWeek }, (_, k) => (first + Math.floor((k * 168) / p.callsPerWeek) + rng.int(-6, 6) + 168) % 168);
      // DCSA service codes have at most 5 characters: route group, carrier, number.
      const code = `${group.split('_').map((w) => w[0].toUpperCase()).join('')}${carrier.code.slice(0, 2)}${(s + 1).toString(36).toUpperCase()}`;
      services.push({ code, group, carrier, terminal, callsPerWeek: p.callsPerWeek, callHours, vessels, nextPorts: p.ports });
    }
  }
  return services;
}
