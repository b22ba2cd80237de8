import { chromium } from "playwright-core";
const b = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const p = await b.newPage();
p.on("request", (r) => {
  if (!r.url().includes("_next")) console.log(">>", r.method(), r.url().slice(0, 150));
});
await p.goto(process.argv[2]);
await p.getByRole("button", { name: "Sign in with Microsoft" }).click();
await p.waitForURL(/authorize/);
await p
  .getByRole("button", { name: /Megan Bowen/ })
  .first()
  .click();
await p.getByRole("button", { name: "Accept" }).click();
await p.waitForTimeout(3000);
console.log("now at", p.url());
await b.close();
