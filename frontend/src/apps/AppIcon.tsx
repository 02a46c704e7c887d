// An app's icon: a name from a small fixed set of icons (never user HTML or an image URL).
import type { ReactNode } from 'react';
import {
  AppstoreOutlined, BarChartOutlined, BookOutlined, CalendarOutlined, CarOutlined, CustomerServiceOutlined, FileTextOutlined,
  FormOutlined, GiftOutlined, HomeOutlined, MessageOutlined, ShopOutlined, ShoppingCartOutlined, TeamOutlined, ToolOutlined, TrophyOutlined,
} from '@ant-design/icons';

export const APP_ICONS: Record<string, ReactNode> = {
  form: <FormOutlined />, team: <TeamOutlined />, shop: <ShopOutlined />, cart: <ShoppingCartOutlined />, chart: <BarChartOutlined />,
  file: <FileTextOutlined />, calendar: <CalendarOutlined />, message: <MessageOutlined />, service: <CustomerServiceOutlined />,
  car: <CarOutlined />, tool: <ToolOutlined />, book: <BookOutlined />, gift: <GiftOutlined />, home: <HomeOutlined />,
  trophy: <TrophyOutlined />, apps: <AppstoreOutlined />,
};

export function AppIcon({ icon }: { icon?: string | null }) {
  return <span className="fl-app-icon" aria-hidden>{APP_ICONS[icon ?? ''] ?? APP_ICONS.form}</span>;
}
