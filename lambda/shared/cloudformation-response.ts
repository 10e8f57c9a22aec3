/**
 * The answer of a custom resource's Lambda function to CloudFormation: a PUT of the response JSON to the
 * pre-signed S3 URL in the event's `ResponseURL`
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html). Every custom
 * resource function of the labs answers through this one function.
 */
export async function putResponse(url: string, body: string): Promise<void> {
  // A Buffer body makes fetch send no Content-Type header, which the pre-signed URL does not expect.
  const res = await fetch(url, { method: 'PUT', body: Buffer.from(body) });
  if (!res.ok) throw new Error(`CloudFormation response upload failed: HTTP ${res.status}`);
}
