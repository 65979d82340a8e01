// Progressive enhancement only: copy buttons, and the searched words marked in the clause a
// search hit led to (…/?hl=gosat|温室効果ガス#c15: the strings its snippet marked, folded). Every page reads fully without this file.
(function () {
  "use strict";
  function copy(text, button) {
    var done = function () {
      var original = button.textContent;
      button.textContent = button.getAttribute("data-copied") || "✓";
      setTimeout(function () { button.textContent = original; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else {
      var area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
      done();
    }
  }
  var JAPANESE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
  var LETTER = /[\p{L}\p{N}]/u;
  function inWord(character) {
    return character !== "" && LETTER.test(character) && !JAPANESE.test(character);
  }
  function fold(text) {
    return text.normalize("NFKC").toLowerCase();
  }
  // Wrap each occurrence of the words in the text nodes of `element` in <mark>. Folding
  // (NFKC, lower case) keeps the length of most text; where it does not, the node is skipped.
  function markWords(element, words) {
    var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) { nodes.push(walker.currentNode); }
    nodes.forEach(function (node) {
      var text = node.nodeValue, folded = fold(text);
      if (folded.length !== text.length) { return; }
      var spans = [];
      words.forEach(function (word) {
        var whole = !JAPANESE.test(word);
        for (var at = folded.indexOf(word); at !== -1; at = folded.indexOf(word, at + word.length)) {
          // An English word is marked whole, as search matches it: "war", not in "toward".
          if (whole && (inWord(folded.charAt(at - 1)) || inWord(folded.charAt(at + word.length)))) { continue; }
          spans.push([at, at + word.length]);
        }
      });
      if (!spans.length) { return; }
      spans.sort(function (a, b) { return a[0] - b[0]; });
      var fragment = document.createDocumentFragment(), position = 0;
      spans.forEach(function (span) {
        if (span[0] < position) { return; }
        fragment.appendChild(document.createTextNode(text.slice(position, span[0])));
        var mark = document.createElement("mark");
        mark.textContent = text.slice(span[0], span[1]);
        fragment.appendChild(mark);
        position = span[1];
      });
      fragment.appendChild(document.createTextNode(text.slice(position)));
      node.parentNode.replaceChild(fragment, node);
    });
  }
  function markSearchedWords() {
    var words = new URLSearchParams(window.location.search).get("hl");
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (!words || !target) { return; }
    var list = fold(words).split("|").filter(function (w) { return w.trim().length > 0; });
    var text = target.querySelector(".clause-text") || target;
    if (list.length) { markWords(text, list); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    markSearchedWords();
    document.querySelectorAll("[data-copy], [data-copy-from]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = button.getAttribute("data-copy-from");
        var text = source ? document.getElementById(source).textContent : button.getAttribute("data-copy");
        copy(text, button);
      });
    });
  });
})();
