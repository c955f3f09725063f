/** Root component; the counter screens arrive with the console shell and screens issues. */
export function App(): React.JSX.Element {
  return (
    <main data-app-state="ready">
      <h1>PayDesk 收银台</h1>
    </main>
  );
}
