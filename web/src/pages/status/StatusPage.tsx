// The status page inside the logged-in shell; an admin also posts notices here.
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { StatusBoard } from './StatusBoard';

export default function StatusPage() {
  const [admin, setAdmin] = useState(false);
  useEffect(() => {
    api.session().then((s) => setAdmin(s.party.roles.includes('admin')), () => setAdmin(false));
  }, []);
  return <StatusBoard admin={admin} />;
}
