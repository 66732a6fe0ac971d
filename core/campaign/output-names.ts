/** `7.5` → `7p5`: a threshold as part of a file name. */
export function thresholdLabel(threshold: number): string {
  return String(Number(threshold.toFixed(3))).replace(".", "p");
}

/** Every file name aggregation may write for these scenarios and thresholds (the CLI's output guard). */
export function aggregateOutputNames(scenarioIds: string[], thresholds: number[]): string[] {
  const maps = [
    ...thresholds.map((t) => `p_dn_gt_${thresholdLabel(t)}cm`),
    "dn_mean_cm",
    "dn_p90_cm",
    ...scenarioIds.map((id) => `scenario_${id}_dn_cm`),
  ];
  return [
    ...maps.flatMap((name) => [`${name}.tif`, `${name}.png`]),
    "dn_vs_pga.png",
    "dn_vs_arias.png",
    "dn_vs_d5_95.png",
    "area_vs_mw.png",
    "study.csv",
    "scenarios.csv",
    "summary.json",
    "report.html",
  ];
}
