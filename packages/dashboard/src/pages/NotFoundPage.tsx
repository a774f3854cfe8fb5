import { PageHeading } from '../components/PageHeading';
import { Link } from '../router/history';
import { paths } from '../router/routes';

export function NotFoundPage() {
  return (
    <>
      <PageHeading
        title="Page not found"
        description="This address does not match any screen of the dashboard."
      />
      <p>
        <Link to={paths.sites()}>Back to sites</Link>
      </p>
    </>
  );
}
