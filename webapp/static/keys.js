/* Keyboard use of the pages: a link drawn as a button (class "button": downloads, the e-mail
   link) answers Space as a button does; Enter already follows a link. ES5, no dependencies. */
(function (document) {
  "use strict";
  function isSpace(event) { return event.key === " " || event.key === "Spacebar" || event.keyCode === 32; }
  function buttonLink(node) {
    return node && node.tagName === "A" && (" " + node.className + " ").indexOf(" button ") >= 0 ? node : null;
  }
  // keydown only stops the page from scrolling; the click comes on keyup, as a button's does
  document.addEventListener("keydown", function (event) {
    if (isSpace(event) && buttonLink(event.target)) { event.preventDefault(); }
  });
  document.addEventListener("keyup", function (event) {
    var link = buttonLink(event.target);
    if (isSpace(event) && link) { event.preventDefault(); link.click(); }
  });
}(document));
