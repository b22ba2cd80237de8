// The offers and plans of the local marketplace, from a JSON file the ISV edits to mirror the
// offer in Partner Center (emulator/marketplace/offers.json). Checked when the emulator starts:
// a mistake is reported with the file and the field, never met later as a strange answer.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";

export const DEFAULT_OFFERS_FILE = fileURLToPath(new URL("./offers.json", import.meta.url));

/** Partner Center's rule for offer and plan ids: lowercase letters, digits, dashes, underscores. */
const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, "expected lowercase letters, digits, - or _ (50 at most)");
const comment = { $comment: z.string().optional() };

const meteringDimension = z.strictObject({
  ...comment,
  id,
  displayName: z.string().min(1),
  unitOfMeasure: z.string().min(1),
  pricePerUnit: z.number().nonnegative(),
  /** Units the plan's price includes each term. */
  includedQuantity: z.number().int().nonnegative().default(0),
});

const plan = z
  .strictObject({
    ...comment,
    planId: id,
    displayName: z.string().min(1),
    description: z.string().default(""),
    isPricePerSeat: z.boolean().default(false),
    hasFreeTrials: z.boolean().default(false),
    isPrivate: z.boolean().default(false),
    /** No longer sold: kept for those who have it, never offered to a new buyer. */
    isStopSell: z.boolean().default(false),
    minQuantity: z.number().int().positive().optional(),
    maxQuantity: z.number().int().positive().optional(),
    /** The billing term: P1M (monthly) or P1Y (yearly). */
    termUnit: z.enum(["P1M", "P1Y"], { error: 'expected "P1M" (monthly) or "P1Y" (yearly)' }),
    /** Per term; per seat when isPricePerSeat. */
    price: z.number().nonnegative(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "expected an ISO 4217 code such as USD")
      .default("USD"),
    market: z
      .string()
      .regex(/^[A-Z]{2}$/, "expected a two-letter market such as US")
      .default("US"),
    meteringDimensions: z.array(meteringDimension).default([]),
  })
  .superRefine((value, ctx) => {
    if (!value.isPricePerSeat && (value.minQuantity !== undefined || value.maxQuantity !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["minQuantity"],
        message: "only a per-seat plan (isPricePerSeat) has seats",
      });
    }
    if ((value.minQuantity ?? 1) > (value.maxQuantity ?? Infinity)) {
      ctx.addIssue({ code: "custom", path: ["maxQuantity"], message: "must not be below minQuantity" });
    }
  });

const offer = z
  .strictObject({
    ...comment,
    offerId: id,
    /** The publisher (seller) id of Partner Center, as the fulfillment API's publisherId. */
    publisherId: id,
    displayName: z.string().min(1),
    description: z.string().default(""),
    /** An offer for tests only (another publisher's, say): hidden from the purchase page. */
    testFixture: z.boolean().default(false),
    plans: z.array(plan).min(1, "an offer has at least one plan"),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.plans.forEach((candidate, index) => {
      if (seen.has(candidate.planId))
        ctx.addIssue({ code: "custom", path: ["plans", index, "planId"], message: "a second plan with this id" });
      seen.add(candidate.planId);
    });
  });

const catalogSchema = z
  .strictObject({ ...comment, offers: z.array(offer).min(1, "at least one offer") })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.offers.forEach((candidate, index) => {
      if (seen.has(candidate.offerId))
        ctx.addIssue({ code: "custom", path: ["offers", index, "offerId"], message: "a second offer with this id" });
      seen.add(candidate.offerId);
    });
    if (value.offers.every((candidate) => candidate.testFixture))
      ctx.addIssue({ code: "custom", path: ["offers"], message: "at least one offer that is not a test fixture" });
  });

export type Plan = z.infer<typeof plan>;
export type Offer = z.infer<typeof offer>;
export type Catalog = {
  offers: Offer[];
  /** Yours: the publisher of the first offer that is not a test fixture. */
  defaultPublisherId: string;
};

function fieldPath(path: PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)),
    "",
  );
}

/** The offers of `file`; throws an Error naming the file and each wrong field. */
export function loadCatalog(file: string = DEFAULT_OFFERS_FILE): Catalog {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: not readable JSON (${(error as Error).message})`);
  }
  const result = catalogSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${fieldPath(issue.path) || "(file)"}: ${issue.message}`);
    throw new Error(`${file}: the local marketplace's offers are not valid:\n${problems.join("\n")}`);
  }
  const offers = result.data.offers;
  return { offers, defaultPublisherId: offers.find((candidate) => !candidate.testFixture)!.publisherId };
}

/** The seats a per-seat plan allows. */
export function seatRange(chosen: Plan): { min: number; max: number } {
  return { min: chosen.minQuantity ?? 1, max: chosen.maxQuantity ?? 10_000 };
}

/** A plan as "List available plans" answers it ("SaaS fulfillment Subscription APIs v2"). */
export function planJson(chosen: Plan): Record<string, unknown> {
  const seats = chosen.isPricePerSeat ? seatRange(chosen) : undefined;
  return {
    planId: chosen.planId,
    displayName: chosen.displayName,
    isPrivate: chosen.isPrivate,
    description: chosen.description,
    ...(seats ? { minQuantity: seats.min, maxQuantity: seats.max } : {}),
    hasFreeTrials: chosen.hasFreeTrials,
    isPricePerSeat: chosen.isPricePerSeat,
    isStopSell: chosen.isStopSell,
    market: chosen.market,
    planComponents: {
      recurrentBillingTerms: [
        {
          currency: chosen.currency,
          price: chosen.price,
          termUnit: chosen.termUnit,
          termDescription: termDescription(chosen),
          meteredQuantityIncluded: chosen.meteringDimensions
            .filter((dimension) => dimension.includedQuantity > 0)
            .map((dimension) => ({ dimensionId: dimension.id, units: String(dimension.includedQuantity) })),
        },
      ],
      meteringDimensions: chosen.meteringDimensions.map((dimension) => ({
        id: dimension.id,
        currency: chosen.currency,
        pricePerUnit: dimension.pricePerUnit,
        unitOfMeasure: dimension.unitOfMeasure,
        displayName: dimension.displayName,
      })),
    },
  };
}

/** "USD 8.00 per user per month", as the purchase page and the plan's term description say it. */
export function termDescription(chosen: Plan): string {
  const per = chosen.termUnit === "P1Y" ? "year" : "month";
  return `${chosen.currency} ${chosen.price.toFixed(2)} ${chosen.isPricePerSeat ? "per user " : ""}per ${per}`;
}
