/**
 * World manufacturer identifiers (WMI, the first characters of a VIN, ISO 3780) of European and
 * Asian makers. ISO 3779 does not require the check digit in position 9, and outside North
 * America and China most of these makers do not compute one: their VINs are recognised by this
 * code plus the structure instead. North American (`1`-`5`) and Chinese (`L`) VINs always carry
 * the check digit and are validated by it (`vinValid`).
 *
 * Two-character entries cover a maker that uses every third character (`JT`: Toyota).
 */
const WMI_CODES =
  // Germany
  (
    'WBA WBS WBY WMW WDB WDC WDD WDF W1K W1N W1V W1T WME WVW WV1 WV2 WV3 WAU WUA WP0 WP1 W0L W0V ' +
    'WF0 WMA WKK WMX WJM WAG WDA ' +
    // France, Monaco
    'VF1 VF3 VF6 VF7 VF8 VF9 VR1 VR3 VR7 VNK VNE VFA ' +
    // Italy
    'ZFA ZAR ZFF ZHW ZAM ZLA ZCF ZD4 ZDM ZAP ZCG ' +
    // Spain, Portugal
    'VSS VS6 VSK VWV VSE VS7 ' +
    // Czechia, Slovakia, Hungary, Poland, Romania, Slovenia
    'TMB TMA TMP TRU TSM TK9 SUF SUP UU1 UU6 VSX ' +
    // Sweden, Finland, Belgium, Netherlands, Austria
    'YV1 YV2 YV4 YS2 YS3 YK1 XLR XL9 XMC VAG VBK ' +
    // United Kingdom
    'SAJ SAL SAD SCC SCF SCA SCB SBM SHH SHS SJN SB1 SAR SFD SDB ' +
    // Turkey, Russia
    'NM0 NMT NM4 XTA X7L Z94 ' +
    // Japan
    'JT JHM JHL JHG JH2 JH4 JN1 JN8 JNK JM1 JM3 JMZ JF1 JF2 JS2 JS3 JSA JA3 JA4 JMB JMY JYA JKA ' +
    'JAL JAA JDA JLB JS1 ' +
    // Korea
    'KMH KMF KNA KNC KND KNM KL1 KLA KPT KPA ' +
    // India, Thailand, Malaysia, Australia, South Africa
    'MA1 MA3 MAJ MAK MAL MAT MBH MEE MR0 MHF MNB PL1 PM2 6FP 6G1 6T1 AAV ADD AFA'
  ).split(' ');

const THREE = new Set(WMI_CODES.filter((c) => c.length === 3));
const TWO = new Set(WMI_CODES.filter((c) => c.length === 2));

/** True when the VIN (upper case) starts with a European or Asian maker's WMI. */
export function vinHasKnownNonCheckDigitMaker(vin: string): boolean {
  return THREE.has(vin.slice(0, 3)) || TWO.has(vin.slice(0, 2));
}
