#!/usr/bin/env bash
# Prints the hourly prices the Hadoop lab's cost table (lib/hadoop/README.md) is computed from, as the
# AWS Price List API gives them for us-east-1: EC2 on-demand (Linux, shared tenancy) and the EMR fee for
# each instance type the lab offers, a public IPv4 address, and a KMS key per month.
# Needs the AWS CLI v2 with credentials (any identity may call pricing:GetProducts) and Node.js.
#   bash scripts/hadoop-prices.sh                 # every type the lab offers
#   bash scripts/hadoop-prices.sh m4.large c4.large
set -euo pipefail

types=("$@")
if [ ${#types[@]} -eq 0 ]; then
  types=(m4.large c4.large m1.large c6g.xlarge m6g.xlarge m7g.xlarge m5.xlarge)
fi

# The on-demand USD price of the first product matching the filters (the Price List API's JSON, parsed by Node).
price() {
  local service=$1
  shift
  local filters=()
  local filter
  for filter in "$@"; do filters+=("Type=TERM_MATCH,${filter}"); done
  aws pricing get-products --region us-east-1 --service-code "$service" --filters "${filters[@]}" --output json |
    node -e '
      const list = JSON.parse(require("fs").readFileSync(0, "utf8")).PriceList.map((p) => JSON.parse(p));
      if (list.length === 0) { console.log("n/a"); process.exit(0); }
      const dimensions = Object.values(list[0].terms.OnDemand).flatMap((t) => Object.values(t.priceDimensions));
      console.log(dimensions.map((d) => d.pricePerUnit.USD).find((usd) => Number(usd) > 0) ?? "0");
    '
}

printf '%-12s %-10s %-10s\n' 'type' 'EC2 $/h' 'EMR $/h'
for type in "${types[@]}"; do
  ec2=$(price AmazonEC2 "Field=instanceType,Value=$type" Field=regionCode,Value=us-east-1 Field=operatingSystem,Value=Linux \
    Field=tenancy,Value=Shared Field=preInstalledSw,Value=NA Field=capacitystatus,Value=Used)
  emr=$(price ElasticMapReduce "Field=instanceType,Value=$type" Field=regionCode,Value=us-east-1 Field=softwareType,Value=EMR)
  printf '%-12s %-10s %-10s\n' "$type" "$ec2" "$emr"
done
echo "public IPv4 \$/h: $(price AmazonVPC Field=regionCode,Value=us-east-1 Field=usagetype,Value=USE1-PublicIPv4:InUseAddress)"
echo "KMS key \$/month: $(price awskms Field=regionCode,Value=us-east-1 Field=usagetype,Value=us-east-1-KMS-Keys)"
