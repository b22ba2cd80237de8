// YOUR METERED DIMENSIONS, as in Partner Center (plan → dimension → what the base price
// includes per billing term). Microsoft bills only what is sent, so the metering job sends only
// the usage above what the plan includes in the subscription's current term ("Marketplace
// metered billing APIs": emit only usage above the included quantity). A dimension not listed
// here is not metered: recordUsage answers "not-metered" and records nothing.
//
// Mirror emulator/marketplace/offers.json (the local marketplace refuses dimensions its plans do
// not have, as Microsoft does).

export type MeteredDimension = {
  /** Included in the plan's price per term (month or year); 0 when every unit is billed. */
  includedPerTerm: number;
};

export const METERED_PLANS: Record<string, Record<string, MeteredDimension>> = {
  "team-monthly": { "api-calls": { includedPerTerm: 100 }, notes: { includedPerTerm: 1_000 } },
  "team-annual": { "api-calls": { includedPerTerm: 1_200 } },
};

export function meteredDimension(planId: string, dimension: string): MeteredDimension | undefined {
  return METERED_PLANS[planId]?.[dimension];
}
