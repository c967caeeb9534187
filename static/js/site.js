// Site-wide keyboard help: "/" focuses the page's search box (unless you are typing).
const isTyping = (el) => el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || isTyping(document.activeElement)) {
    return;
  }
  const box = document.querySelector("[data-search-primary]") || document.querySelector("input[type=search]");
  if (box) {
    event.preventDefault();
    box.focus();
    box.select();
  }
});
