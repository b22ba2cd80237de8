// The cron route: runs the background jobs (lib/jobs/jobs.ts) for Vercel Cron and other schedulers.
import { runJobsRoute } from "@/lib/jobs/cron-http";

export const dynamic = "force-dynamic";
// The metering job sends up to 40 batches; give it time on serverless hosts.
export const maxDuration = 60;

export const GET = runJobsRoute;
export const POST = runJobsRoute;
