// The Node.js options the production server starts with, wherever it starts: `npm start`
// (package.json), the Dockerfile's CMD and App Service's startup command (README, "Deploy").
// scripts/server-options.test.ts keeps those three the same as this list; `npm run bench`
// measures the server with it.
//
// Why (issue "the server's memory bounded by default"; README, "Speed"): without them V8 sizes
// its heap from the machine's memory (about 4 GB of heap on a 24 GB machine) and collects the old
// generation late, so a server under sign-in load sat at 500 to 650 MB and grew from round to
// round although what stays alive after a full collection is about 110 MB (20 pages rendering at
// once). A heap limit makes V8 collect before it grows; a smaller young generation (semi-space,
// 4 MB instead of 16) takes another 20 to 40 MB off the peak. The cost is CPU: more frequent
// collections, about 5 to 15 % per page. 192 MB held memory lower but cost a page 20 % more
// (README, "Speed", gives the figures).
// A heavier app than the template's raises --max-old-space-size (a server over the limit stops
// with "JavaScript heap out of memory"; the health check and the host restart it).
export const SERVER_NODE_OPTIONS = ["--max-old-space-size=256", "--max-semi-space-size=4"];
