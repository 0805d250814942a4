// Runs once per DevTools window: adds the panel.
chrome.devtools.panels.create("Healthie webhooks", "", "panel.html");
