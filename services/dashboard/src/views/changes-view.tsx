export function ChangesView({ code }: { code: string | undefined }) {
  return <div class="view">{code}</div>;
}
