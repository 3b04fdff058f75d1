// Menus built on <details class="menu">: a click elsewhere or Escape closes them, and opening one closes the others.
export function startMenus(document) {
  const openMenus = () => [...document.querySelectorAll('details.menu[open]')];
  document.addEventListener('click', (event) => {
    for (const menu of openMenus()) {
      if (!menu.contains(event.target)) menu.removeAttribute('open');
    }
  });
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    for (const menu of openMenus()) {
      menu.removeAttribute('open');
      menu.querySelector('summary')?.focus();
    }
  });
  document.addEventListener('toggle', (event) => {
    const menu = event.target;
    if (!(menu instanceof HTMLDetailsElement) || !menu.classList.contains('menu') || !menu.open) return;
    for (const other of openMenus()) {
      if (other !== menu) other.removeAttribute('open');
    }
    menu.querySelector('[role=menuitem]')?.focus();
  }, true);
}
