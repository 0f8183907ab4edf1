// nhsuk-frontend's stylesheet loads the Frutiger web font from assets.nhs.uk, which a ward or a council
// network with no internet cannot reach (and the font's licence means the package does not ship it). We
// serve the stylesheet without those @font-face rules, so every page uses the stylesheet's own fallback
// (Arial, then the system sans-serif) at once instead of waiting on a blocked request, and the CSP can say
// font-src 'self'.
import { readFileSync } from 'node:fs';

const FONT_FACE = /@font-face\s*\{[^}]*\}/g;
const REMOTE_URL = /url\(\s*['"]?https?:\/\//i;

/** The stylesheet without any @font-face rule that fetches a font from another site. */
export function withoutRemoteFonts(css: string): string {
  return css.replace(FONT_FACE, (rule) => (REMOTE_URL.test(rule) ? '' : rule));
}

/** Reads the stylesheet once, at start-up; it does not change while the server runs. */
export function offlineStylesheet(file: string): string {
  return withoutRemoteFonts(readFileSync(file, 'utf8'));
}
