// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/nhsuk/nhsuk-frontend.min.js';

initAll();

// nhsuk-frontend marks a radio that reveals more questions with aria-expanded, which ARIA does not allow on a
// radio (axe-core: aria-allowed-attr, critical). The revealed questions follow the radio in reading order, so
// removing the attribute loses nothing; the observer removes it again each time a choice changes.
const dropExpanded = (input) => input.removeAttribute('aria-expanded');
for (const input of document.querySelectorAll('input[type="radio"][aria-expanded]')) dropExpanded(input);
new MutationObserver((changes) => {
  for (const change of changes) if (change.target.type === 'radio') dropExpanded(change.target);
}).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['aria-expanded'] });
