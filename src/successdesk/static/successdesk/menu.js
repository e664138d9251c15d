// The navigation's menu button on narrow screens. Without this script the navigation simply
// wraps under the brand; with it, the links fold behind a "Menu" button (see app.css).
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector(".menu-toggle");
  const nav = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!button || !nav) return;
  button.hidden = false;
  const setOpen = (open) => button.setAttribute("aria-expanded", open ? "true" : "false");
  button.addEventListener("click", () => setOpen(button.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
});
