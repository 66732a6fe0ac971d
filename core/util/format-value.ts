// How maps, legends and plots print a value, shared by the PNG previews and the dashboard page.
/** Four significant digits, without trailing zeros: 12.35, 0.0001234, 1.235e+6. */
export function formatValue(value: number): string {
  const text =
    Math.abs(value) >= 1e5 || (value !== 0 && Math.abs(value) < 1e-3)
      ? value.toExponential(3)
      : value.toPrecision(4);
  return text.replace(/(\.\d*?)0+(e|$)/, "$1$2").replace(/\.(e|$)/, "$1");
}
