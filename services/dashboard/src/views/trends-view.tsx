export function TrendsView({ code }: { code: string | undefined }) {
  return <div class="view">{code}</div>;
}
