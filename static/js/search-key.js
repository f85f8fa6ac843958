// "/" anywhere on a page puts the cursor in the header's search box, as on GitHub or MDN;
// not while typing in a field, nor with a modifier key held (Shift+7 is "/" on some layouts,
// so Shift is allowed). Escape in the box gives the focus back to the page.
(function () {
  function typing(element) {
    if (!element) return false;
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
  }
  document.addEventListener("keydown", function (event) {
    var box = document.querySelector("[data-search-shortcut]");
    if (!box) return;
    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey &&
        !typing(document.activeElement)) {
      event.preventDefault();
      box.focus();
      box.select();
    } else if (event.key === "Escape" && document.activeElement === box) {
      box.blur();
    }
  });
})();
