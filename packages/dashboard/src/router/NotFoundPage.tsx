import { PageHeading } from '../components/PageHeading';
import { Link } from './history';
import { paths } from './routes';

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
