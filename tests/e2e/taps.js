(minSize) => {
  // The tap-target check of tests/e2e/taps.py, evaluated in the page: the rules are there.
  const problems = [];
  const describe = (el) => {
    const r = el.getBoundingClientRect();
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    const cls = (el.getAttribute('class') || '').trim().split(/\s+/).filter(Boolean).slice(0, 4).join('.');
    const id = el.id ? '#' + el.id : '';
    return `<${el.tagName.toLowerCase()}${id}${cls ? '.' + cls : ''}> "${text}" ${Math.round(r.width)}×${Math.round(r.height)}`;
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || s.visibility === 'collapse') return false;
      if (e.classList.contains('visually-hidden') || e.classList.contains('visually-hidden-focusable')) return false;
      if (e.hasAttribute('hidden')) return false;
    }
    // Bootstrap's .btn-check (and anything clipped the same way) is tapped through its label.
    const s = getComputedStyle(el);
    if (s.position === 'absolute' && (s.clip === 'rect(0px, 0px, 0px, 0px)' || s.clipPath === 'inset(50%)')) return false;
    return true;
  };
  const labelsOf = (el) => {
    const found = [];
    if (el.labels) found.push(...el.labels);
    return found;
  };
  const nameOf = (el) => {
    const aria = (el.getAttribute('aria-label') || '').trim();
    if (aria) return aria;
    const by = el.getAttribute('aria-labelledby');
    if (by) {
      const text = by.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean).map((e) => e.textContent.trim()).join(' ');
      if (text) return text;
    }
    if (['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)) {
      const text = labelsOf(el).map((l) => l.textContent.trim()).join(' ');
      if (text) return text;
      if (el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.type) && el.value) return el.value;
    } else {
      const text = (el.textContent || '').trim();
      if (text) return text;
      const img = el.querySelector('img[alt]');
      if (img && img.alt.trim()) return img.alt.trim();
    }
    return (el.getAttribute('title') || '').trim();
  };
  const inRunningText = (el) => {
    if (el.tagName !== 'A' || el.classList.contains('btn')) return false;
    if (getComputedStyle(el).display !== 'inline') return false;
    if (el.closest('nav, .breadcrumb, .list-group, .pagination, table, .nav, .navbar')) return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    if (!block) return false;
    // The block's own words: its text without any link's (a row of links is no sentence).
    const copy = block.cloneNode(true);
    copy.querySelectorAll('a, button').forEach((e) => e.remove());
    const words = (copy.textContent || '').replace(/\s+/g, ' ').trim().length;
    return words > (el.textContent || '').trim().length;
  };
  const measured = new Set();
  const controls = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary');
  for (const el of controls) {
    const isChoice = el.tagName === 'INPUT' && ['checkbox', 'radio'].includes(el.type);
    if (!nameOf(el)) {
      if (visible(el) || (isChoice && labelsOf(el).some(visible))) problems.push(`no accessible name: ${describe(el)}`);
    }
    let target = el;
    if (isChoice) {
      const label = labelsOf(el).find(visible);
      if (label) target = label;
      else if (!visible(el)) continue;
    } else if (!visible(el)) {
      continue;
    }
    if (measured.has(target)) continue;
    measured.add(target);
    if (inRunningText(target)) continue;
    const r = target.getBoundingClientRect();
    // Half a pixel of rounding (44 CSS px drawn at a fractional offset) is not a smaller target.
    if (r.width < minSize - 0.5 || r.height < minSize - 0.5) problems.push(`smaller than ${minSize}×${minSize}: ${describe(target)}`);
  }
  const h1s = document.querySelectorAll('h1').length;
  if (h1s !== 1) problems.push(`${h1s} h1 elements (one per page)`);
  const width = document.documentElement.scrollWidth;
  if (width > window.innerWidth) problems.push(`the page is ${width}px wide, wider than the ${window.innerWidth}px screen`);
  return problems;
}
