import { initAll } from '../govuk/govuk-frontend.min.js'

initAll()

// On a small screen a wide table scrolls sideways inside its box. Such a box can be reached and
// scrolled with the keyboard, and is named after its table's caption (WCAG 2.1.1).
function markScrollingTables () {
  for (const box of document.querySelectorAll('.portal-table-wrap')) {
    if (box.scrollWidth > box.clientWidth) {
      const caption = box.querySelector('caption')
      box.setAttribute('tabindex', '0')
      box.setAttribute('role', 'region')
      box.setAttribute('aria-label', caption ? caption.textContent.trim() : 'Table')
    } else {
      for (const name of ['tabindex', 'role', 'aria-label']) box.removeAttribute(name)
    }
  }
}

markScrollingTables()
window.addEventListener('resize', markScrollingTables)
