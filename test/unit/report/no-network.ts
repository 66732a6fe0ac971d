/** Anything a browser would fetch: external scripts, styles, images, fonts, frames. */
export const NETWORK_REFERENCE = /<script|<link|<iframe|@import|url\(|(src|href)\s*=\s*["']?(https?:|\/\/)/i;
