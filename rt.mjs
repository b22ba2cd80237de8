import { chromium } from "playwright-core";
const b = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const p = await b.newPage();
await p.goto("http://localhost:3000/trial?source=appsource&utm_campaign=launch&evil=1");
await p.waitForURL(/authorize/, { timeout: 20000 });
await p
  .getByRole("button", { name: /Megan Bowen/ })
  .first()
  .click();
await p.getByRole("button", { name: "Accept" }).click();
await p.waitForURL("http://localhost:3000/dashboard", { timeout: 20000 });
console.log((await p.locator("main").innerText()).slice(0, 600));
const r = await p.request.get("http://localhost:3000/api/tenant/users");
console.log(r.status(), (await r.text()).slice(0, 200));
await b.close();
