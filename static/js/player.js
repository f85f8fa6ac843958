// The episode player: chapter links seek the audio and play from there; a link to the page
// with ?t=1:04:18 or #t=3858 opens it at that moment; the chapter playing is highlighted.
// Without this script the links still change the address to #t=..., and ?t= still starts
// the audio at that time (the server adds a media fragment to the audio's address).
(function () {
  "use strict";
  var audio = document.getElementById("player");
  if (!audio) return;
  var links = Array.prototype.slice.call(document.querySelectorAll(".chapter-link[data-start]"));
  var chapters = Array.prototype.slice.call(document.querySelectorAll(".chapters li"));

  function parseTime(text) {
    // "3858", "64:18" or "1:04:18" to seconds; null if it is none of these.
    if (!text || !/^\d+(:\d{1,2}){0,2}$/.test(text)) return null;
    return text.split(":").reduce(function (total, part) {
      return total * 60 + parseInt(part, 10);
    }, 0);
  }

  function startPlaying() {
    var playing = audio.play();
    if (playing && playing.catch) playing.catch(function () {}); // Autoplay refused: fine.
  }

  function seek(seconds, play) {
    function go() {
      audio.currentTime = seconds;
      if (play) startPlaying();
    }
    if (audio.readyState >= 1) return go();
    audio.addEventListener("loadedmetadata", go, { once: true });
    // Where nothing loads before playing (preload="none", phones saving data, iOS) the
    // metadata would never come: playing now, within the click, loads the audio.
    if (play) startPlaying();
  }

  function highlight() {
    var now = audio.currentTime;
    var current = null;
    chapters.forEach(function (item) {
      var link = item.querySelector(".chapter-link");
      if (link && parseFloat(link.dataset.start) <= now + 0.5) current = item;
    });
    chapters.forEach(function (item) {
      var link = item.querySelector(".chapter-link");
      item.classList.toggle("current", item === current);
      if (link) {
        if (item === current) link.setAttribute("aria-current", "true");
        else link.removeAttribute("aria-current");
      }
    });
  }

  links.forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var seconds = parseFloat(link.dataset.start);
      history.replaceState(null, "", "#t=" + seconds);
      seek(seconds, true);
    });
  });

  function fromAddress() {
    var hash = /(?:^#|&)t=([\d:]+)/.exec(location.hash);
    var query = new URLSearchParams(location.search).get("t");
    return parseTime(hash ? hash[1] : query);
  }

  window.addEventListener("hashchange", function () {
    var seconds = fromAddress();
    if (seconds !== null) seek(seconds, true);
  });
  audio.addEventListener("timeupdate", highlight);
  audio.addEventListener("seeked", highlight);

  var start = fromAddress();
  if (start !== null) seek(start, false);
})();
